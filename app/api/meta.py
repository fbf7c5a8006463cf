"""Small endpoints about the API itself."""

from flask import jsonify

from app.api import bp
from app.api.access import signed_in_user
from app.api.present import user_json


@bp.get("/ping")
def ping():
    """A bare answer: liveness checks, and the baseline the benchmarks compare against."""
    return jsonify({"ok": True})


@bp.get("/me")
def me():
    """Who the caller is."""
    return jsonify(user_json(signed_in_user()))
