"""The engine against a brute-force oracle, over random rooms, bookings and series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from app.extensions import db
from app.services.bookings import BookingInput, create_booking
from app.services.errors import Conflict
from tests.builders import door, make_branch, make_room, make_user, rect
from tests.conftest import _empty_all_tables

MONDAY = datetime(2027, 3, 1, tzinfo=UTC)

rooms_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 2), st.integers(2, 5), st.integers(2, 4)),
    min_size=2, max_size=5,
)
requests_strategy = st.lists(
    st.tuples(
        st.integers(0, 4),  # which room
        st.integers(0, 24),  # start, in half hours after 08:00 on the first day
        st.integers(1, 6),  # length in half hours
        st.integers(1, 3),  # weekly occurrences
        st.integers(0, 2),  # day offset
    ),
    min_size=1, max_size=12,
)


def oracle_accepts(taken: list, polygon, spans: list[tuple[datetime, datetime]]) -> bool:
    """Brute force: every accepted span of every room sharing floor, against every new span."""
    for other_polygon, other_spans in taken:
        if polygon.intersection(other_polygon).area <= 0.01:
            continue
        for start, end in spans:
            if any(start < other_end and other_start < end
                   for other_start, other_end in other_spans):
                return False
    return True


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(room_specs=rooms_strategy, requests=requests_strategy)
def test_the_engine_accepts_exactly_what_the_oracle_accepts(app, room_specs, requests):
    _empty_all_tables()
    db.session.remove()
    branch = make_branch(timezone="UTC")
    staff = make_user("staff")
    rooms = []
    for index, (x, y, width, depth) in enumerate(room_specs):
        x0, y0 = 2.0 * x, 2.0 * y
        room = make_room(branch, rect(x0, y0, x0 + width, y0 + depth), name=f"R{index}",
                         doors=[door(x0, y0 + 0.5, x0, y0 + 1.5, 1.0)])
        rooms.append((room.id, box(x0, y0, x0 + width, y0 + depth)))
    taken: list = []
    for which, start_slot, length, count, day in requests:
        room_id, polygon = rooms[which % len(rooms)]
        start = MONDAY + timedelta(days=day, hours=8, minutes=30 * start_slot)
        end = start + timedelta(minutes=30 * length)
        spans = [(start + timedelta(weeks=n), end + timedelta(weeks=n)) for n in range(count)]
        expected = oracle_accepts(taken, polygon, spans)
        request = BookingInput(
            room_id=room_id, title="t", attendees=1, start=start.isoformat(),
            end=end.isoformat(), rrule=f"FREQ=WEEKLY;COUNT={count}" if count > 1 else None)
        try:
            create_booking(staff, request, now=MONDAY - timedelta(days=30))
            db.session.commit()
            accepted = True
        except Conflict:
            db.session.rollback()
            accepted = False
        assert accepted == expected, (room_specs, requests)
        if accepted:
            taken.append((polygon, spans))
