"""Branches: listed for all, created by staff."""

from flask import jsonify
from sqlalchemy import select

from app.api import bp
from app.api.access import staff_user
from app.api.openapi import accepts
from app.api.present import branch_json
from app.api.request import page, page_params
from app.api.schemas import BranchIn
from app.extensions import db
from app.models import Branch
from app.services import branches


@bp.get("/branches")
def list_branches():
    """Every branch, by id, paginated."""
    limit, after = page_params()
    query = select(Branch).order_by(Branch.id).limit(limit + 1)
    if after is not None:
        query = query.where(Branch.id > after)
    rows = list(db.session.scalars(query))
    return jsonify(page(rows, limit, branch_json))


@bp.post("/branches")
@accepts(BranchIn)
def create_branch(body: BranchIn):
    """A new branch (staff)."""
    staff_user()
    branch = branches.create_branch(body.model_dump())
    return jsonify(branch_json(branch)), 201


@bp.get("/branches/<int:branch_id>")
def get_branch(branch_id: int):
    """One branch."""
    return jsonify(branch_json(branches.get_branch(branch_id)))
