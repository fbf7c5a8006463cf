"""What a write decides on is what is committed, not what the session read earlier."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.db import begin_write
from app.extensions import db
from app.models import Booking, Room, User
from app.services import bookings
from app.services.errors import RuleViolation
from tests.booking_helpers import make_booker
from tests.builders import future_day, local, make_branch, make_room, make_user


def _change_elsewhere(model, row_id: int, **values) -> None:
    """Another writer, on a connection of its own, commits a change."""
    with db.engine.begin() as connection:
        connection.execute(update(model).where(model.id == row_id).values(**values))


def test_rows_read_before_the_write_begins_are_read_again_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL services lock and re-read the rows they change instead")
    room_id = make_room(name="Before").id
    db.session.remove()
    room = db.session.get(Room, room_id)  # read in a read transaction, and held on to
    assert room.name == "Before"
    _change_elsewhere(Room, room_id, name="After")
    begin_write()
    assert db.session.get(Room, room_id).name == "After"
    db.session.rollback()


def test_the_signed_in_user_is_not_loaded_twice(app):
    user_id = make_user().id
    db.session.remove()
    user = db.session.get(User, user_id)
    begin_write()
    assert "email" in user.__dict__  # still loaded: reading it costs no second query
    db.session.rollback()


def test_an_approval_sees_a_cancellation_committed_after_the_booking_was_read(app):
    staff_id = make_user("staff").id
    booker = make_booker()
    room = make_room(make_branch(), rules={"requires_approval": True})
    day = future_day(10)
    booking = bookings.create_booking(booker.user, bookings.BookingInput(
        room_id=room.id, title="Chess", attendees=6, association_id=booker.association.id,
        start=local(day, 18).isoformat(), end=local(day, 20).isoformat())).booking
    db.session.commit()
    booking_id = booking.id
    db.session.remove()
    held = db.session.get(Booking, booking_id)
    assert held.status == "pending"
    _change_elsewhere(Booking, booking_id, status="cancelled")
    with pytest.raises(RuleViolation) as refused:
        bookings.decide(db.session.get(User, staff_id), booking_id, approve=True)
    assert [e.code for e in refused.value.errors] == ["not_pending"]
    db.session.rollback()
