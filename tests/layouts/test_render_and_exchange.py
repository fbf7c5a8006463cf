"""Drawing as SVG and exchange as GeoJSON in local metres."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from layouts.capacity import compute_capacity
from layouts.exchange import from_geojson, to_geojson
from layouts.geometry import GeometryError
from layouts.layout import Item
from layouts.render import to_svg
from layouts.rulepacks import RULE_PACKS
from tests.layouts.rooms import chair_row, layout_of, rectangle_room, room_with_pillar

SVG = "{http://www.w3.org/2000/svg}"
DK = RULE_PACKS["dk-br18"]


def plan(**kwargs) -> ET.Element:
    room = room_with_pillar()
    layout = layout_of(*chair_row(6, 4, 2), Item("wheelchair_space", 8, 2))
    return ET.fromstring(to_svg(room, layout, compute_capacity(room, layout, DK), **kwargs))


def texts(svg: ET.Element) -> str:
    return " ".join(element.text or "" for element in svg.iter(f"{SVG}text"))


def test_the_plan_is_a_standalone_svg_document():
    assert plan().tag == f"{SVG}svg"


def test_the_plan_draws_every_item_the_pillar_and_the_doors_with_their_swing():
    svg = plan()
    items = [p for p in svg.iter(f"{SVG}path") if "item" in p.get("class", "")]
    doors = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "door"]
    assert len(items) == 7 and len(doors) == 2
    assert all(door.find(f"{SVG}path") is not None for door in doors)


def test_the_plan_turns_the_y_axis_up():
    transforms = [g.get("transform", "") for g in plan().iter(f"{SVG}g")]
    assert any("scale(40 -40)" in t for t in transforms)


def test_the_caption_gives_the_capacity_and_its_reason_with_a_scale_bar():
    svg = plan()
    assert "Capacity 7" in texts(svg) and "5 m" in texts(svg)


def test_the_poster_says_the_maximum_number_of_persons():
    assert "Maximum 7 persons" in texts(plan(poster=True))


def test_text_in_the_drawing_is_escaped():
    svg = plan(title='<script>alert("x")</script> & co')
    assert '<script>alert("x")</script> & co' in texts(svg)
    assert svg.find(f".//{SVG}script") is None


def test_an_empty_room_draws_without_a_layout():
    assert ET.fromstring(to_svg(rectangle_room())).tag == f"{SVG}svg"


def test_the_geojson_says_its_coordinates_are_local_metres():
    collection = to_geojson(rectangle_room())
    assert collection["type"] == "FeatureCollection"
    assert "not WGS 84" in collection["coordinate_system"]


def test_a_room_and_its_layout_survive_the_round_trip_through_geojson():
    room = room_with_pillar()
    layout = layout_of(*chair_row(4, 3, 3, rotation=90), style="theatre")
    back_room, back_layout = from_geojson(to_geojson(room, layout))
    assert back_room.outline.equals(room.outline)
    assert [d.width for d in back_room.doors] == [d.width for d in room.doors]
    assert len(back_room.obstacles) == 1
    assert back_layout.items == layout.items and back_layout.style == "theatre"


def test_a_collection_without_a_layout_gives_none():
    assert from_geojson(to_geojson(rectangle_room()))[1] is None


@pytest.mark.parametrize("bad", [{}, {"type": "FeatureCollection", "features": []}, []])
def test_what_is_not_a_room_collection_is_refused(bad):
    with pytest.raises(GeometryError):
        from_geojson(bad)
