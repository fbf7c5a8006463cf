"""Associations: created by members, verified by staff, run by their admins."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import write_transaction
from app.extensions import db
from app.models import Association, JoinRequest, Membership, User, utcnow
from app.models.names import name_key
from app.services.accounts import find_user_by_email
from app.services.errors import AlreadyExists, Forbidden, NotFound, RuleViolation
from app.services.mail import announce_association
from app.services.paging import keyset_page


def get_association(association_id: int) -> Association:
    """The association, or NotFound."""
    association = db.session.get(Association, association_id)
    if association is None:
        raise NotFound(gettext("No association %(id)s.", id=association_id))
    return association


def list_associations(limit: int, after_id: int | None = None, *,
                      verified_only: bool = False) -> list[Association]:
    """Associations, by id; only those staff have verified (who may book), if asked."""
    query = select(Association)
    if verified_only:
        query = query.where(Association.verified_at.is_not(None))
    return keyset_page(query, Association.id, limit, after_id)


def associations_by_name() -> list[Association]:
    """Every association, by name regardless of case."""
    return list(db.session.scalars(select(Association).order_by(func.lower(Association.name))))


def membership_of(user: User | None, association: Association) -> Membership | None:
    """The user's membership, if any."""
    if user is None:
        return None
    return db.session.get(Membership, (association.id, user.id))


def is_admin(user: User | None, association: Association) -> bool:
    """Whether the user runs the association (staff count as admins of every one)."""
    if user is None:
        return False
    if user.is_staff:
        return True
    membership = membership_of(user, association)
    return membership is not None and membership.role == "admin"


@write_transaction
def create_association(creator: User, data: dict[str, Any]) -> Association:
    """A new, unverified association with its creator as admin."""
    _ensure_name_free(data["name"])
    association = Association(
        name=data["name"],
        description=data.get("description", ""),
        contact_email=data.get("contact_email") or creator.email,
        website=data.get("website") or "",
        created_by_id=creator.id,
    )
    association.memberships.append(Membership(user=creator, role="admin"))
    db.session.add(association)
    db.session.flush()
    return association


@write_transaction
def update_association(actor: User, association: Association, changes: dict[str, Any]) -> None:
    """Change details (admins, staff) and verification (staff only)."""
    if not is_admin(actor, association):
        raise Forbidden(gettext("Only the association's admins and staff may change it."))
    if "verified" in changes:
        if not actor.is_staff:
            raise Forbidden(gettext("Only library staff verify associations."))
        verified = changes.pop("verified")
        if verified and not association.verified:
            announce_association(association, "verified")
        if verified != association.verified:
            association.verified_at = utcnow() if verified else None
            association.verified_by_id = actor.id if verified else None
    if "name" in changes and name_key(changes["name"]) != association.name_key:
        _ensure_name_free(changes["name"])
    for field in ("name", "description", "contact_email", "website"):
        if field in changes and changes[field] is not None:
            setattr(association, field, changes[field])
    db.session.flush()


@write_transaction
def add_member(actor: User, association: Association, email: str, role: str) -> Membership:
    """Add an existing account to the association, or change its role there."""
    if not is_admin(actor, association):
        raise Forbidden(gettext("Only the association's admins and staff may add members."))
    user = find_user_by_email(email)
    if user is None:
        raise RuleViolation.single(
            "email", "unknown_user",
            gettext("No Agora account uses that e-mail address; ask them to sign up first."),
        )
    membership = membership_of(user, association)
    if membership is None:
        membership = Membership(association=association, user=user, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


@write_transaction
def remove_member(actor: User, association: Association, user_id: int) -> None:
    """Remove a member; the last admin stays (an association always has someone in charge)."""
    if not is_admin(actor, association) and actor.id != user_id:
        raise Forbidden(gettext("Only the association's admins and staff may remove members."))
    membership = db.session.get(Membership, (association.id, user_id))
    if membership is None:
        raise NotFound(gettext("That person is not a member."))
    admins = [m for m in association.memberships if m.role == "admin"]
    if membership.role == "admin" and len(admins) == 1:
        raise RuleViolation.single(
            "user_id", "last_admin",
            gettext("Make someone else admin before the last admin leaves."),
        )
    db.session.delete(membership)
    db.session.flush()


def associations_of(user: User) -> list[Association]:
    """The associations the user belongs to, by name."""
    return list(
        db.session.scalars(
            select(Association)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(func.lower(Association.name))
        )
    )


def waiting_for_verification() -> list[Association]:
    """Associations staff have not verified yet, the longest waiting first, with their members."""
    return list(db.session.scalars(
        select(Association)
        .where(Association.verified_at.is_(None))
        .options(selectinload(Association.memberships).selectinload(Membership.user))
        .order_by(Association.created_at, Association.id)
    ))


def unverified_associations_of(user: User | None) -> list[Association]:
    """The user's associations that wait for staff to verify them (and so cannot book yet)."""
    if user is None or not user.is_authenticated:
        return []
    return [a for a in associations_of(user) if not a.verified]


# ------------------------------------------------------------------ asking to join


@write_transaction
def ask_to_join(user: User, association: Association, message: str = "") -> JoinRequest:
    """Ask the association's admins to let the user in; they hear about it by e-mail."""
    if membership_of(user, association) is not None:
        raise AlreadyExists(f"You are already a member of {association.name}.", "user_id")
    if pending_request_of(user, association) is not None:
        raise AlreadyExists(
            f"You have already asked to join {association.name}; the request is waiting.",
            "user_id",
        )
    join_request = JoinRequest(association=association, user=user, message=message.strip())
    db.session.add(join_request)
    db.session.flush()  # the unique index on pending requests settles a double click
    announce_association(association, "join_request", join_request)
    return join_request


def pending_request_of(user: User | None, association: Association) -> JoinRequest | None:
    """The user's request to join that still waits for an answer, if any."""
    if user is None:
        return None
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.association_id == association.id, JoinRequest.user_id == user.id,
        JoinRequest.status == "pending"))


def pending_requests(actor: User, association: Association, limit: int = 200,
                     after_id: int | None = None) -> list[JoinRequest]:
    """The requests waiting for an answer, oldest first (admins and staff only)."""
    if not is_admin(actor, association):
        raise Forbidden("Only the association's admins and staff see requests to join.")
    query = (select(JoinRequest)
             .where(JoinRequest.association_id == association.id,
                    JoinRequest.status == "pending")
             .options(selectinload(JoinRequest.user)))
    return keyset_page(query, JoinRequest.id, limit, after_id)


def get_join_request(association: Association, request_id: int) -> JoinRequest:
    """One request to join the association, or NotFound."""
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.association_id != association.id:
        raise NotFound(f"No request {request_id} to join this association.")
    return join_request


@write_transaction
def answer_join_request(actor: User, join_request: JoinRequest, accept: bool) -> JoinRequest:
    """Accept (the asker becomes a member) or decline; the asker hears the answer by e-mail."""
    association = join_request.association
    if not is_admin(actor, association):
        raise Forbidden("Only the association's admins and staff answer requests to join.")
    if join_request.status != "pending":
        raise AlreadyExists(f"This request was already {join_request.status}.", "status")
    join_request.status = "accepted" if accept else "declined"
    join_request.decided_at = utcnow()
    join_request.decided_by_id = actor.id
    if accept and membership_of(join_request.user, association) is None:
        db.session.add(Membership(association=association, user=join_request.user,
                                  role="member"))
    db.session.flush()
    announce_association(association, "join_accepted" if accept else "join_declined",
                         join_request)
    return join_request


def _ensure_name_free(name: str) -> None:
    """A clear 409 in the common case; the unique index on name_key settles races."""
    taken = db.session.scalar(select(Association.id).where(Association.name_key == name_key(name)))
    if taken is not None:
        raise AlreadyExists(gettext("An association with that name exists."), "name")

