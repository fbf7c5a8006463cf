"""Which room outlines hold others, and how a floor is placed on screen."""

from shapely.geometry import box

from layouts.floor_plan import plan_floor, wholes_of


def test_a_hall_is_the_whole_of_its_halves_and_a_neighbour_of_nothing():
    outlines = {1: box(0, 0, 18, 12), 2: box(0, 0, 9, 12), 3: box(9, 0, 18, 12),
                4: box(18, 0, 24, 5)}
    assert wholes_of(outlines) == {1: None, 2: 1, 3: 1, 4: None}


def test_a_part_belongs_to_the_smallest_room_that_holds_it():
    outlines = {1: box(0, 0, 20, 20), 2: box(0, 0, 10, 10), 3: box(0, 0, 5, 5)}
    assert wholes_of(outlines) == {1: None, 2: 1, 3: 2}


def test_rooms_that_only_overlap_or_are_equal_hold_nothing():
    outlines = {1: box(0, 0, 10, 10), 2: box(5, 5, 15, 15), 3: box(0, 0, 10, 10)}
    assert wholes_of(outlines) == {1: None, 2: None, 3: None}


def test_the_plan_flips_y_and_draws_wholes_before_parts():
    plan = plan_floor({1: box(0, 0, 18, 12), 2: box(0, 0, 9, 12), 3: box(9, 0, 18, 12)},
                      {1: "Hall", 2: "Hall A", 3: "Hall B"})
    assert (plan.width, plan.height) == (19.0, 13.0)
    assert [room.room_id for room in plan.rooms] == [1, 2, 3]
    hall = plan.rooms[0]
    assert hall.part_ids == (2, 3)
    assert hall.path == "M18.5 12.5 L18.5 0.5 L0.5 0.5 L0.5 12.5 Z"
    # The hall's label sits in its top band, above the halves (y grows downwards on screen).
    halves_top = min(float(p) for room in plan.rooms[1:]
                     for p in room.path.replace("M", "").replace("L", "").replace("Z", "")
                     .split()[1::2])
    assert hall.label_y < halves_top
    assert all(room.whole_id == 1 for room in plan.rooms[1:])
