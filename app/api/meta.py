"""Small endpoints about the API itself."""

from flask import jsonify

from app.api import bp
from app.api.access import signed_in_user
from app.api.openapi import responds
from app.api.present import user_json
from app.api.responses import Ping, UserOut


@bp.get("/ping")
@responds(Ping)
def ping():
    """A bare answer: liveness checks, and the baseline the benchmarks compare against."""
    return jsonify({"ok": True})


@bp.get("/me")
@responds(UserOut)
def me():
    """Who the caller is."""
    return jsonify(user_json(signed_in_user()))
