"""Branches: listed for all, created by staff."""

from flask import jsonify

from app.api import bp
from app.api.access import staff_user
from app.api.openapi import PAGE_PARAMS, accepts, query, responds
from app.api.present import branch_json, floor_plans_json
from app.api.request import page, page_params
from app.api.responses import BranchFloorsOut, BranchOut, Page
from app.api.schemas import BranchIn
from app.models import utcnow
from app.services import branches, floor_plans


@bp.get("/branches")
@responds(Page[BranchOut])
@query(**PAGE_PARAMS)
def list_branches():
    """Every branch, by id, paginated."""
    limit, after = page_params()
    return jsonify(page(branches.list_branches(limit + 1, after), limit, branch_json))


@bp.post("/branches")
@responds(BranchOut, status=201)
@accepts(BranchIn, role="staff")
def create_branch(body: BranchIn):
    """A new branch (staff)."""
    staff_user()
    branch = branches.create_branch(body.model_dump())
    return jsonify(branch_json(branch)), 201


@bp.get("/branches/<int:branch_id>")
@responds(BranchOut)
def get_branch(branch_id: int):
    """One branch."""
    return jsonify(branch_json(branches.get_branch(branch_id)))


@bp.get("/branches/<int:branch_id>/floors")
@responds(BranchFloorsOut)
def branch_floors(branch_id: int):
    """The branch's floor plans: rooms' outlines, which hold which, and today's state."""
    return jsonify(floor_plans_json(floor_plans.branch_floor_plans(branch_id, utcnow())))
