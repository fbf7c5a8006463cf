"""gunicorn's settings, read from the repository root by ``gunicorn "app:create_app()"``.

Threaded workers keep connections alive between requests (the sync worker closes every
connection after its answer), so a client that sends many requests, a proxy or a
script, pays for its TCP connection once. ``-w`` on the command line still chooses how
many worker processes; each serves ``threads`` requests at once, which lets one wait on
the database while another runs. Every thread has its own database session.
"""

worker_class = "gthread"
threads = 4
keepalive = 5
