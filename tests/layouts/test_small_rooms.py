"""Boardroom and U-shape in small and irregular rooms: a valid layout that seats someone
wherever one table and its chairs fit, never an empty one."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon, box

from layouts.arrange import arrange
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS
from layouts.validate import validate_layout
from tests.layouts.rooms import rectangle_room, room_with_pillar

DK = RULE_PACKS["dk-br18"]
TABLE_STYLES = ("boardroom", "u_shape")


def meeting_room_1() -> RoomShape:
    """The demo's Meeting room 1 (app/services/demo.py): 6 x 5 m, a 0.9 m door in the
    long wall near a corner, capped at 12."""
    return RoomShape(box(18, 0, 24, 5), (Door(LineString([(19, 5), (19.9, 5)]), 0.9),),
                     max_attendees=12)


def makerspace() -> RoomShape:
    """The demo's L-shaped Makerspace, with its fixed shelf and one door."""
    outline = Polygon([(0, 12), (10, 12), (10, 16), (5, 16), (5, 20), (0, 20)])
    return RoomShape(outline, (Door(LineString([(10, 13), (10, 14.2)]), 1.2),),
                     (box(0.2, 18, 2.2, 18.6),), 20)


def small_room_with_pillar() -> RoomShape:
    """7 x 6 m, a pillar standing 1.5 m from two walls, one door."""
    return rectangle_room(7, 6, doors=(Door(LineString([(0, 1), (0, 2.2)]), 1.2),),
                          obstacles=(box(5.1, 4.1, 5.5, 4.5),))


ROOMS = {
    "6x5": lambda: rectangle_room(6, 5, doors=(Door(LineString([(0, 1), (0, 2.2)]), 1.2),)),
    "meeting_room_1": meeting_room_1,
    "makerspace": makerspace,
    "pillar_12x9": room_with_pillar,
    "pillar_7x6": small_room_with_pillar,
}


def errors(room: RoomShape, layout, rules=DK) -> list[str]:
    return [v.code for v in validate_layout(room, layout, rules) if v.severity == "error"]


def seats(layout) -> int:
    return sum(item.furniture.places for item in layout.items)


@pytest.mark.parametrize("room_name", sorted(ROOMS))
@pytest.mark.parametrize("style", TABLE_STYLES)
def test_a_table_style_seats_people_in_a_small_or_odd_room(style, room_name):
    room = ROOMS[room_name]()
    arrangement = arrange(room, style, DK)
    assert any(item.furniture.is_table for item in arrangement.layout.items)
    assert seats(arrangement.layout) > 0
    assert arrangement.capacity.capacity > 0
    assert errors(room, arrangement.layout) == []


def test_the_demo_boardroom_seats_the_meeting_room_round_one_table():
    layout = arrange(meeting_room_1(), "boardroom", DK).layout
    assert seats(layout) >= 6


def test_a_room_too_small_for_a_table_and_its_chairs_gets_no_table_layout():
    room = rectangle_room(3.5, 3.5, doors=(Door(LineString([(0, 1), (0, 2.2)]), 1.2),))
    for style in TABLE_STYLES:
        assert arrange(room, style, DK).layout.items == ()


@st.composite
def rooms_a_table_fits(draw) -> RoomShape:
    """Rectangles of at least 5 x 5 m, L-shapes with arms at least 5 m wide, and halls with
    a pillar anywhere, each with one or two doors anywhere on its walls: rooms with floor
    for one 1.6 m table, its six chairs and a passage round them."""
    width = draw(st.floats(5, 12).map(lambda v: round(v, 1)))
    depth = draw(st.floats(5, 11).map(lambda v: round(v, 1)))
    shape = draw(st.sampled_from(["rectangle", "l_shape", "pillar"]))
    obstacles: tuple[Polygon, ...] = ()
    if shape == "l_shape":
        width, depth = max(width, 10.0), max(depth, 10.0)
        cut_x = draw(st.floats(5, width - 5).map(lambda v: round(v, 1)))
        cut_y = draw(st.floats(5, depth - 5).map(lambda v: round(v, 1)))
        outline = Polygon([(0, 0), (width, 0), (width, cut_y), (cut_x, cut_y), (cut_x, depth),
                           (0, depth)])
    else:
        outline = box(0, 0, width, depth)
        if shape == "pillar":
            width = max(width, 10.0)
            outline = box(0, 0, width, depth)
            x = draw(st.floats(0.5, width - 0.9).map(lambda v: round(v, 1)))
            y = draw(st.floats(0.5, depth - 0.9).map(lambda v: round(v, 1)))
            obstacles = (box(x, y, x + 0.4, y + 0.4),)
    ring = outline.exterior
    doors = []
    for at in draw(st.lists(st.floats(0, 1), min_size=1, max_size=2)):
        clear = draw(st.sampled_from([0.9, 1.2]))
        start = at * ring.length
        segment = LineString([ring.interpolate(start), ring.interpolate(start + clear)])
        if abs(segment.length - clear) < 1e-6:
            doors.append(Door(segment, clear))
    if not doors:
        doors.append(Door(LineString([(0, 1), (0, 2.2)]), 1.2))
    return RoomShape(outline, tuple(doors), obstacles)


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(room=rooms_a_table_fits(), style=st.sampled_from(TABLE_STYLES))
def test_wherever_a_table_and_its_chairs_fit_a_table_style_seats_someone(room, style):
    arrangement = arrange(room, style, DK)
    assert seats(arrangement.layout) > 0
    assert errors(room, arrangement.layout) == []
