"""Overlay cells: the atomic pieces of floor that bookings of overlapping rooms claim."""

from __future__ import annotations

from shapely.geometry import Polygon, box

from layouts.cells import cells_by_room, overlay_cells

HALL, WEST, EAST = 1, 2, 3


def split_hall() -> dict[int, Polygon]:
    return {HALL: box(0, 0, 18, 12), WEST: box(0, 0, 9, 12), EAST: box(9, 0, 18, 12)}


def shares_a_cell(cells, a: int, b: int) -> bool:
    return any({a, b} <= cell.room_ids for cell in cells)


def test_a_hall_split_in_two_halves_gives_two_cells():
    cells = overlay_cells(split_hall())
    assert [sorted(c.room_ids) for c in cells] == [[1, 2], [1, 3]]
    assert [c.geometry.area for c in cells] == [108, 108]


def test_the_hall_covers_both_cells_and_each_half_one():
    assert cells_by_room(overlay_cells(split_hall())) == {HALL: [0, 1], WEST: [0], EAST: [1]}


def test_the_hall_overlaps_each_half_but_the_halves_do_not_overlap():
    cells = overlay_cells(split_hall())
    assert shares_a_cell(cells, HALL, WEST) and shares_a_cell(cells, HALL, EAST)
    assert not shares_a_cell(cells, WEST, EAST)


def test_rooms_touching_along_a_wall_share_no_cell():
    cells = overlay_cells({1: box(0, 0, 5, 5), 2: box(5, 0, 10, 5)})
    assert len(cells) == 2 and not shares_a_cell(cells, 1, 2)


def test_crossing_rooms_give_three_cells_with_the_shared_one_in_the_middle():
    cells = overlay_cells({1: box(0, 0, 6, 4), 2: box(4, 0, 10, 4)})
    assert [sorted(c.room_ids) for c in cells] == [[1], [1, 2], [2]]
    assert cells[1].geometry.area == 8


def test_slivers_below_the_minimum_area_are_dropped():
    cells = overlay_cells({1: box(0, 0, 10, 10), 2: box(9.9995, 0, 20, 10)})
    assert not shares_a_cell(cells, 1, 2)
    assert all(cell.geometry.area >= 0.01 for cell in cells)


def test_a_room_with_a_hole_does_not_cover_the_room_inside_the_hole():
    ring = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    cells = overlay_cells({1: ring, 2: box(4, 4, 6, 6)})
    assert [sorted(c.room_ids) for c in cells] == [[1], [2]]


def test_the_order_of_the_cells_does_not_depend_on_the_order_of_the_rooms():
    rooms = split_hall()
    reversed_rooms = dict(reversed(list(rooms.items())))
    assert [c.room_ids for c in overlay_cells(rooms)] == [
        c.room_ids for c in overlay_cells(reversed_rooms)]


def test_a_floor_with_no_rooms_has_no_cells():
    assert overlay_cells({}) == []
