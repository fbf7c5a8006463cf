"""Associations: listed for all, created by members, changed by their admins and staff."""

from flask import jsonify

from app.api import bp
from app.api.access import optional_user, signed_in_user
from app.api.openapi import PAGE_PARAMS, accepts, choice_param, query, responds
from app.api.present import association_json, join_request_json
from app.api.request import page, page_params
from app.api.responses import AssociationOut, JoinRequestOut, Page
from app.api.schemas import AssociationIn, AssociationPatch, JoinRequestIn, MemberIn
from app.services import associations


@bp.get("/associations")
@responds(Page[AssociationOut])
@query(verified=choice_param("true: only those that may book", "true", "false"), **PAGE_PARAMS)
def list_associations():
    """Associations, by id, paginated; ``?verified=true`` for those that may book."""
    from flask import request

    limit, after = page_params()
    rows = associations.list_associations(
        limit + 1, after, verified_only=request.args.get("verified") == "true")
    viewer = optional_user()
    return jsonify(
        page(rows, limit, lambda a: association_json(
            a, show_members=associations.is_admin(viewer, a)))
    )


@bp.post("/associations")
@responds(AssociationOut, status=201)
@accepts(AssociationIn, role="member")
def create_association(body: AssociationIn):
    """A new association; the caller becomes its admin."""
    user = signed_in_user()
    data = body.model_dump()
    data["website"] = str(body.website) if body.website else ""
    association = associations.create_association(user, data)
    return jsonify(association_json(association, show_members=True)), 201


@bp.get("/associations/<int:association_id>")
@responds(AssociationOut)
def get_association(association_id: int):
    """One association; members for its admins and staff."""
    association = associations.get_association(association_id)
    show = associations.is_admin(optional_user(), association)
    return jsonify(association_json(association, show_members=show))


@bp.patch("/associations/<int:association_id>")
@responds(AssociationOut)
@accepts(AssociationPatch, role="member")
def update_association(association_id: int, body: AssociationPatch):
    """Change details (admins, staff) or verify (staff)."""
    user = signed_in_user()
    association = associations.get_association(association_id)
    changes = body.model_dump(exclude_unset=True)
    if "website" in changes:
        changes["website"] = str(body.website) if body.website else ""
    associations.update_association(user, association, changes)
    return jsonify(association_json(association, show_members=True))


@bp.post("/associations/<int:association_id>/members")
@responds(AssociationOut, status=201)
@accepts(MemberIn, role="member")
def add_member(association_id: int, body: MemberIn):
    """Add a member by e-mail (admins, staff)."""
    user = signed_in_user()
    association = associations.get_association(association_id)
    associations.add_member(user, association, body.email, body.role)
    return jsonify(association_json(association, show_members=True)), 201


@bp.delete("/associations/<int:association_id>/members/<int:user_id>")
@responds(status=204)
def remove_member(association_id: int, user_id: int):
    """Remove a member (admins, staff, or the member leaving)."""
    user = signed_in_user()
    association = associations.get_association(association_id)
    associations.remove_member(user, association, user_id)
    return "", 204


@bp.post("/associations/<int:association_id>/join-requests")
@responds(JoinRequestOut, status=201)
@accepts(JoinRequestIn, role="member")
def ask_to_join(association_id: int, body: JoinRequestIn):
    """Ask to join (signed-in non-members); the admins hear of it by e-mail. 409 if already
    a member or already waiting."""
    user = signed_in_user()
    association = associations.get_association(association_id)
    join_request = associations.ask_to_join(user, association, body.message)
    return jsonify(join_request_json(join_request)), 201


@bp.get("/associations/<int:association_id>/join-requests")
@responds(Page[JoinRequestOut])
@query(**PAGE_PARAMS)
def list_join_requests(association_id: int):
    """The requests waiting for an answer, oldest first (admins, staff)."""
    user = signed_in_user()
    association = associations.get_association(association_id)
    limit, after = page_params()
    rows = associations.pending_requests(user, association, limit + 1, after)
    return jsonify(page(rows, limit, join_request_json))


@bp.post("/associations/<int:association_id>/join-requests/<int:request_id>/accept")
@responds(JoinRequestOut)
def accept_join_request(association_id: int, request_id: int):
    """Let the asker in as a member (admins, staff); they hear of it by e-mail."""
    return _answer(association_id, request_id, accept=True)


@bp.post("/associations/<int:association_id>/join-requests/<int:request_id>/decline")
@responds(JoinRequestOut)
def decline_join_request(association_id: int, request_id: int):
    """Turn the request down (admins, staff); the asker hears of it by e-mail."""
    return _answer(association_id, request_id, accept=False)


def _answer(association_id: int, request_id: int, *, accept: bool):
    user = signed_in_user()
    association = associations.get_association(association_id)
    join_request = associations.get_join_request(association, request_id)
    associations.answer_join_request(user, join_request, accept)
    return jsonify(join_request_json(join_request))
