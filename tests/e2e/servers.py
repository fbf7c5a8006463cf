"""A real gunicorn serving Agora on a database, for concurrency tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, instance_path: Path, workers: int = 4,
             entry: str = "app:create_app()", **settings: str) -> Iterator[str]:
    """Serve ``entry`` (Agora's factory) with gunicorn; yields the base URL, stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "AGORA_ENV": "testing",
        "AGORA_DATABASE_URL": database_url,
        "AGORA_INSTANCE_PATH": str(instance_path),
        "AGORA_SECRET_KEY": "gunicorn-test-secret-0123456789abcdef",
        "AGORA_RATELIMIT_ENABLED": "false",
        **{f"AGORA_{name}": value for name, value in settings.items()},
    }
    # A file, not a pipe: nobody reads the server's log while it runs, and a full pipe
    # would stall every worker that logs.
    with tempfile.TemporaryFile() as log:
        yield from _serve(env, port, workers, log, entry)


def _serve(env: dict, port: int, workers: int, log, entry: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "--graceful-timeout", "5", entry],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log, seconds: float = 120.0) -> None:
    # Generous: on a shared machine under load, two workers importing the app take a while.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")
            raise RuntimeError(f"gunicorn exited early:\n{output[-4000:]}")
        try:
            if requests.get(f"{base}/api/v1/ping", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


@contextmanager
def served_library(tmp_path: Path, build, workers: int = 2) -> Iterator[tuple[str, dict]]:
    """A fresh SQLite library made by ``build(app) -> world``, served by gunicorn.

    Yields the base URL and the world ``build`` described (ids, e-mails) for the test.
    """
    from app import create_app
    from app.extensions import db

    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "browser-test-secret-0123456789"})
    with app.app_context():
        db.create_all()
        world = build(app)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    with gunicorn(url, tmp_path, workers=workers) as base:
        yield base, world
