"""Layouts from JSON: what is read, and the reasons for what is refused."""

from __future__ import annotations

import math

import pytest

from layouts.catalogue import CATALOGUE
from layouts.layout import Item, LayoutInputError, layout_from_json, layout_to_json
from layouts.rulepacks import RULE_PACKS, UnknownRulePack, get_rule_pack

REQUIRED_KINDS = {"chair", "stacking_chair", "armchair", "table_160x80", "table_120x60",
                  "round_150", "round_180", "cabaret_round", "lectern", "stage_2x1", "screen",
                  "shelf_wheels_120x50", "wheelchair_space"}


def body(*items: dict, style: str = "theatre") -> dict:
    return {"name": "Theatre 60", "style": style, "items": list(items)}


def chair(**overrides) -> dict:
    return {"kind": "chair", "x": 2.0, "y": 3.0, "rotation": 0, **overrides}


def refusal(obj) -> list[dict]:
    with pytest.raises(LayoutInputError) as caught:
        layout_from_json(obj)
    return caught.value.errors


def test_the_api_example_is_read():
    layout = layout_from_json(body(chair(), {"kind": "table_160x80", "x": 4.5, "y": 10.0,
                                             "rotation": 90}))
    assert layout.items == (Item("chair", 2.0, 3.0, 0.0), Item("table_160x80", 4.5, 10.0, 90.0))


def test_a_layout_survives_the_round_trip_through_json():
    layout = layout_from_json(body(chair(), chair(x=2.5, rotation=180)))
    assert layout_from_json(layout_to_json(layout)) == layout


def test_an_item_of_an_unknown_kind_is_refused_with_its_field():
    errors = refusal(body(chair(), chair(kind="sofa")))
    assert errors == [{"field": "items[1].kind", "code": "unknown_kind",
                       "message": "there is no furniture kind 'sofa'"}]


@pytest.mark.parametrize("value", [math.nan, math.inf, 1e9, "3", None])
def test_a_coordinate_that_is_not_a_sane_number_is_refused(value):
    assert refusal(body(chair(x=value)))[0]["field"] == "items[0].x"


@pytest.mark.parametrize("rotation", [-1, 360.5, 720])
def test_a_rotation_outside_0_to_360_is_refused(rotation):
    assert refusal(body(chair(rotation=rotation)))[0]["code"] == "invalid_rotation"


def test_ten_thousand_items_are_refused_at_once():
    errors = refusal(body(*[chair()] * 10_000))
    assert [e["code"] for e in errors] == ["too_many_items"]


def test_an_unknown_style_is_refused():
    assert refusal(body(chair(), style="disco"))[0]["field"] == "style"


def test_every_fault_is_reported_not_only_the_first():
    errors = refusal({"name": "", "style": "disco", "items": [chair(kind="sofa")]})
    assert {e["field"] for e in errors} == {"name", "style", "items[0].kind"}


def test_something_that_is_not_an_object_is_refused():
    assert refusal([1, 2])[0]["code"] == "invalid_layout"


def test_the_catalogue_has_every_kind_the_issue_names():
    assert set(CATALOGUE) >= REQUIRED_KINDS


def test_a_wheelchair_space_counts_as_a_place_and_a_chair_as_a_seat():
    assert CATALOGUE["wheelchair_space"].places == 1
    assert CATALOGUE["chair"].is_seat and CATALOGUE["chair"].width == 0.5


def test_round_tables_take_eight_and_ten_chairs():
    assert (CATALOGUE["round_150"].seats, CATALOGUE["round_180"].seats) == (8, 10)


def test_both_rule_packs_are_there_with_citations():
    assert set(RULE_PACKS) == {"dk-br18", "ibc-2021"}
    assert all(pack.citation for pack in RULE_PACKS.values())


def test_the_rule_packs_carry_the_figures_of_the_issue():
    dk, ibc = get_rule_pack("dk-br18"), get_rule_pack("ibc-2021")
    assert (dk.area_for("banquet"), dk.row_spacing, dk.max_row_seats_two_aisles) == (0.67, 0.8, 24)
    assert (ibc.area_for("theatre"), ibc.area_for("standing"), ibc.area_for("classroom")) == (
        0.65, 0.46, 1.86)
    assert (ibc.single_exit_max, ibc.max_row_seats_two_aisles) == (49, 14)


@pytest.mark.parametrize(("seats", "spaces"), [(3, 0), (4, 1), (25, 1), (26, 2), (50, 2),
                                               (51, 4), (150, 4), (151, 5), (300, 5)])
def test_the_wheelchair_spaces_required_follow_the_table(seats, spaces):
    assert get_rule_pack("dk-br18").wheelchair_spaces_required(seats) == spaces


def test_an_unknown_rule_pack_is_refused():
    with pytest.raises(UnknownRulePack, match="dk-br18"):
        get_rule_pack("nowhere-1999")
