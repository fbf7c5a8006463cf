"""How resources look in the JSON API: times in the branch's zone, GeoJSON as stored."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from app.models import Association, Booking, Branch, JoinRequest, Room, User
from app.services.availability import Alternative
from app.services.bookings import BookingCheck
from app.services.capacity import capacity_of
from app.services.feeds import event_page_url
from app.services.floor_plans import BranchPlans
from app.services.whats_on import EventOccurrence, PublicEvent
from calendars import to_rfc3339


def branch_json(branch: Branch) -> dict[str, Any]:
    """A branch with its zone, hours and closures."""
    zone = ZoneInfo(branch.timezone)
    return {
        "id": branch.id,
        "name": branch.name,
        "address": branch.address,
        "timezone": branch.timezone,
        "rule_pack": branch.rule_pack,
        "opening_hours": branch.opening_hours,
        "closures": [
            {
                "id": c.id,
                "start": to_rfc3339(c.start, zone),
                "end": to_rfc3339(c.end, zone),
                "reason": c.reason,
            }
            for c in branch.closures
        ],
        "quota_hours_per_week": branch.quota_hours_per_week,
        "quota_bookings_per_week": branch.quota_bookings_per_week,
        "floors": [{"id": f.id, "name": f.name, "level": f.level} for f in branch.floors],
    }


def floor_plans_json(plans: BranchPlans) -> dict[str, Any]:
    """A branch's floors with their rooms' outlines, wholes and parts, and today's state."""
    return {
        "branch_id": plans.branch.id,
        "day": plans.day.isoformat(),
        "floors": [{
            "id": plan.floor.id,
            "name": plan.floor.name,
            "level": plan.floor.level,
            "rooms": [{
                "id": item.room.id,
                "name": item.room.name,
                "outline": item.room.outline,
                "whole_id": item.placed.whole_id,
                "part_ids": list(item.placed.part_ids),
                "state": item.state,
            } for item in plan.rooms],
        } for plan in plans.floors],
    }


def room_json(room: Room) -> dict[str, Any]:
    """A room: geometry, amenities and rules."""
    return {
        "id": room.id,
        "branch_id": room.branch_id,
        "floor": room.floor.name,
        "floor_id": room.floor_id,
        "name": room.name,
        "description": room.description,
        "outline": room.outline,
        "doors": room.doors,
        "obstacles": room.obstacles,
        "amenities": room.amenities,
        "area_m2": round(room.area_m2, 2),
        "max_attendees": room.max_attendees,
        "capacity": capacity_of(room, None),
        "bookable": room.bookable,
        "rules": room.rules,
    }


def association_json(association: Association, *, show_members: bool) -> dict[str, Any]:
    """An association; its members' e-mails only for its admins and staff."""
    body: dict[str, Any] = {
        "id": association.id,
        "name": association.name,
        "description": association.description,
        "website": association.website,
        "verified": association.verified,
        "member_count": len(association.memberships),
    }
    if show_members:
        body["contact_email"] = association.contact_email
        body["members"] = [
            {"user_id": m.user_id, "email": m.user.email, "name": m.user.name, "role": m.role}
            for m in sorted(association.memberships, key=lambda m: m.user.email)
        ]
    return body


def join_request_json(join_request: JoinRequest) -> dict[str, Any]:
    """A request to join an association; instants in UTC (an association has no branch)."""
    decided = join_request.decided_at
    return {
        "id": join_request.id,
        "association_id": join_request.association_id,
        "user_id": join_request.user_id,
        "name": join_request.user.name,
        "email": join_request.user.email,
        "message": join_request.message,
        "status": join_request.status,
        "created_at": join_request.created_at.isoformat(),
        "decided_at": decided.isoformat() if decided is not None else None,
    }


def user_json(user: User) -> dict[str, Any]:
    """The caller's own account."""
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role}


def booking_json(booking: Booking) -> dict[str, Any]:
    """A booking and its occurrences, in the branch's zone."""
    zone = ZoneInfo(booking.room.branch.timezone)
    return {
        "id": booking.id,
        "uid": booking.uid,
        "room_id": booking.room_id,
        "layout_id": booking.layout_id,
        "title": booking.title,
        "description": booking.description,
        "attendees": booking.attendees,
        "capacity": capacity_of(booking.room, booking.layout),
        "capacity_flag": (
            {"reason": booking.capacity_flag,
             "flagged_at": to_rfc3339(booking.capacity_flagged_at, zone)}
            if booking.capacity_flag and booking.capacity_flagged_at else None
        ),
        "association_id": booking.association_id,
        "booked_by_id": booking.booked_by_id,
        "public": booking.public,
        "status": booking.status,
        "status_reason": booking.status_reason,
        "start": to_rfc3339(booking.start, zone),
        "end": to_rfc3339(booking.end, zone),
        "recurrence": (
            {"rrule": booking.rrule,
             "exdates": [to_rfc3339(datetime.fromisoformat(e), zone) for e in booking.exdates]}
            if booking.rrule else None
        ),
        "sequence": booking.sequence,
        "created_at": to_rfc3339(booking.created_at, zone),
        "updated_at": to_rfc3339(booking.updated_at, zone),
        "occurrences": [
            {
                "start": to_rfc3339(o.start, zone),
                "end": to_rfc3339(o.end, zone),
                "status": o.status,
                "original_start": to_rfc3339(o.original_start, zone),
                "modified": o.modified,
            }
            for o in booking.occurrences
        ],
    }


def event_occurrence_json(event: EventOccurrence, base_url: str) -> dict[str, Any]:
    """One date of a public event, in its branch's zone, with its page and calendar file."""
    zone = ZoneInfo(event.zone)
    return {
        "event_id": event.booking_id,
        "title": event.title,
        "start": to_rfc3339(event.start, zone),
        "end": to_rfc3339(event.end, zone),
        "series": event.series,
        "association": (
            {"id": event.association_id, "name": event.association_name}
            if event.association_id is not None else None
        ),
        "room": {"id": event.room_id, "name": event.room_name},
        "branch": {"id": event.branch_id, "name": event.branch_name, "timezone": event.zone},
        "url": event_page_url(base_url, event.booking_id),
        "ics_url": f"{event_page_url(base_url, event.booking_id)}.ics",
    }


def public_event_json(event: PublicEvent, base_url: str) -> dict[str, Any]:
    """A public event: only what its public page shows, never who booked it or how many."""
    booking = event.booking
    zone = ZoneInfo(event.zone)
    branch = booking.room.branch
    association = booking.association
    return {
        "id": booking.id,
        "uid": booking.uid,
        "title": booking.title,
        "description": booking.description,
        "status": booking.status,
        "association": (
            {"id": association.id, "name": association.name} if association is not None else None
        ),
        "room": {"id": booking.room_id, "name": booking.room.name},
        "branch": {"id": branch.id, "name": branch.name, "timezone": branch.timezone},
        "recurrence": {"rrule": booking.rrule} if booking.rrule else None,
        "upcoming": [
            {"start": to_rfc3339(d.start, zone), "end": to_rfc3339(d.end, zone),
             "status": d.status}
            for d in event.upcoming
        ],
        "url": event_page_url(base_url, booking.id),
        "ics_url": f"{event_page_url(base_url, booking.id)}.ics",
    }


def alternative_json(alternative: Alternative, zone: tzinfo) -> dict[str, Any]:
    """Another room or time to book, by the room's name and what it holds."""
    layout = alternative.layout
    return {"room_id": alternative.room.id, "room_name": alternative.room.name,
            "layout_id": layout.id if layout else None,
            "layout_name": layout.name if layout else None,
            "capacity": alternative.capacity,
            "start": to_rfc3339(alternative.start, zone), "end": to_rfc3339(alternative.end, zone)}


def booking_check_json(check: BookingCheck) -> dict[str, Any]:
    """A dry run's answer, in the branch's zone."""
    zone = ZoneInfo(check.room.branch.timezone)
    return {
        "ok": check.ok,
        "dates": [{"start": to_rfc3339(d.start, zone), "end": to_rfc3339(d.end, zone),
                   "free": d.free, "clashes": list(d.clashes), "problems": list(d.problems)}
                  for d in check.dates],
        "errors": [{"field": e.field, "code": e.code, "message": e.message}
                   for e in check.errors],
        "capacity": check.capacity,
        "attendees": check.attendees,
        "small_group": check.small_group,
        "suggestions": [alternative_json(a, zone) for a in check.suggestions],
        "smaller_rooms": [alternative_json(a, zone) for a in check.smaller_rooms],
    }
