"""Auto-arrange: every style in a rectangle, an L-shape and a room with a pillar validates."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Polygon

from layouts.arrange import STYLES, ArrangeError, arrange
from layouts.capacity import room_capacity
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS
from layouts.validate import validate_layout
from tests.layouts.rooms import l_shaped_room, rectangle_room, room_with_pillar

DK = RULE_PACKS["dk-br18"]
IBC = RULE_PACKS["ibc-2021"]
ROOMS = {"rectangle": rectangle_room, "l_shape": l_shaped_room, "pillar": room_with_pillar}


def errors(room, layout, rules) -> list[str]:
    return [v.code for v in validate_layout(room, layout, rules) if v.severity == "error"]


@pytest.mark.parametrize("room_name", sorted(ROOMS))
@pytest.mark.parametrize("style", STYLES)
def test_every_style_arranged_in_every_room_shape_validates(style, room_name):
    room = ROOMS[room_name]()
    arrangement = arrange(room, style, DK)
    assert errors(room, arrangement.layout, DK) == []
    assert arrangement.layout.style == style


@pytest.mark.parametrize("style", ["theatre", "classroom", "banquet"])
def test_an_arrangement_under_the_ibc_validates_under_the_ibc(style):
    room = rectangle_room()
    assert errors(room, arrange(room, style, IBC).layout, IBC) == []


@pytest.mark.parametrize("style", [s for s in STYLES if s != "standing"])
def test_every_seated_style_puts_chairs_in_a_rectangle(style):
    assert arrange(rectangle_room(), style, DK).capacity.capacity > 0


def test_arrange_never_lays_out_more_places_than_the_room_allows():
    room = rectangle_room(18, 12)
    arrangement = arrange(room, "theatre", DK)
    places = sum(item.furniture.places for item in arrangement.layout.items)
    assert places <= room_capacity(room, DK, "theatre").capacity


def test_arrange_stops_at_the_attendees_asked_for():
    arrangement = arrange(rectangle_room(), "theatre", DK, attendees=40)
    places = sum(item.furniture.places for item in arrangement.layout.items)
    assert 40 <= places < 50
    assert arrangement.limited_by == "attendees"


def _free_in_front(layout, width: float, depth: float) -> float:
    """Floor between the first row of a theatre in a rectangle and the wall it faces."""
    chairs = [item for item in layout.items if item.kind == "chair"]
    ahead = {0: lambda c: depth - c.y, 90: lambda c: c.x, 180: lambda c: c.y,
             270: lambda c: width - c.x}[round(chairs[0].rotation) % 360]
    return min(ahead(chair) for chair in chairs) - 0.25


def test_a_theatre_cut_to_the_attendees_leaves_the_floor_in_front_for_the_speaker():
    room = rectangle_room(18, 12)
    cut = arrange(room, "theatre", DK, attendees=100)
    places = sum(item.furniture.places for item in cut.layout.items)
    assert _free_in_front(cut.layout, 18, 12) >= 2.5
    assert places >= 100
    assert errors(room, cut.layout, DK) == []


@pytest.mark.parametrize(("attendees", "spaces"), [(20, 1), (40, 2), (100, 4)])
def test_a_theatre_gets_the_wheelchair_spaces_the_rule_pack_asks_for(attendees, spaces):
    layout = arrange(rectangle_room(), "theatre", DK, attendees=attendees).layout
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    placed = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    assert placed == DK.wheelchair_spaces_required(seats) == spaces


def test_the_arrangement_explains_what_limited_it():
    arrangement = arrange(rectangle_room(), "theatre", DK)
    assert arrangement.limited_by and arrangement.explanation


def test_a_standing_layout_is_limited_by_the_floor_area():
    arrangement = arrange(rectangle_room(), "standing", DK)
    assert arrangement.capacity.binding in ("floor_area", "places")
    assert arrangement.capacity.capacity == 216


def test_an_unknown_style_cannot_be_arranged():
    with pytest.raises(ArrangeError):
        arrange(rectangle_room(), "disco", DK)


@pytest.mark.parametrize("style", ["classroom", "boardroom", "u_shape", "banquet", "cabaret"])
def test_table_layouts_offer_the_wheelchair_spaces_their_seats_need(style):
    room = rectangle_room(12, 9)
    layout = arrange(room, style, DK).layout
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    spaces = [item for item in layout.items if item.kind == "wheelchair_space"]
    assert seats > 0
    assert len(spaces) >= DK.wheelchair_spaces_required(seats)
    assert errors(room, layout, DK) == []


def test_a_u_shape_stands_around_a_pillar_in_the_middle_of_the_room():
    room = room_with_pillar()
    arrangement = arrange(room, "u_shape", DK)
    assert arrangement.capacity.limits[0].value >= 20
    assert errors(room, arrangement.layout, DK) == []


def test_a_theatre_in_an_l_with_a_narrow_arm_and_no_door_there_seats_people():
    """Rows across the 2.6 m arm leave no aisle that reaches a door (both doors are in the
    6 m arm), and no plan across the whole L validates: rows in one part only do."""
    outline = Polygon([(0, 0), (6, 0), (6, 10.4), (2.6, 10.4), (2.6, 20.6), (0, 20.6)])
    room = RoomShape(outline, (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
                               Door(LineString([(6, 1), (6, 2.2)]), 1.2)))
    layout = arrange(room, "theatre", DK).layout
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    spaces = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    assert errors(room, layout, DK) == []
    assert seats >= 60
    assert spaces >= DK.wheelchair_spaces_required(seats)
