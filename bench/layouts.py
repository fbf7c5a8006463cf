"""Benchmarks of the layout planner: validation time, and how full auto-arrange packs a room.

Run from the repository root: python bench/layouts.py
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shapely.geometry import LineString, Polygon, box

from layouts.arrange import arrange, best_theatre
from layouts.capacity import room_capacity, usable_area
from layouts.layout import Item, Layout
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS, RulePack
from layouts.validate import validate_layout

RULES = RULE_PACKS["dk-br18"]
ROUNDS = 5
RECTANGLES = ((8, 6), (12, 9), (18, 12), (30, 20))


def side_doors(width: float, depth: float) -> tuple[Door, ...]:
    """Two 1.2 m doors, one in each side wall, near the back; more for big halls."""
    ys = [1.0] if depth < 15 else [1.0, depth / 2]
    return tuple(Door(LineString([(x, y), (x, y + 1.2)]), 1.2)
                 for y in ys for x in (0.0, width))


def front_doors(width: float, depth: float) -> tuple[Door, ...]:
    """Two doors in the front wall at its corners, each a fifth of the width, so that the
    exits do not bind and the figures measure how well the floor is packed."""
    clear = width / 5
    return tuple(Door(LineString([(x, depth), (x + clear, depth)]), clear)
                 for x in (0.0, width - clear))


def chairs_in_blocks(count: int) -> tuple[RoomShape, Layout]:
    """``count`` chairs in rows of 10 between 1.5 m aisles, in a hall just big enough."""
    rows = math.ceil(count / 40)
    depth = rows * 0.9 + 4
    room = RoomShape(box(0, 0, 40, depth), side_doors(40, depth))
    items = [Item("chair", 4.25 + 8.5 * (n // 10 % 4) + 0.5 * (n % 10), 2.25 + 0.9 * (n // 40))
             for n in range(count)]
    return room, Layout("bench", "theatre", tuple(items))


def validation_seconds(count: int) -> float:
    """The median time to validate ``count`` items."""
    room, layout = chairs_in_blocks(count)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        validate_layout(room, layout, RULES)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


FINE_FRONT_GAPS = tuple(round(0.05 * step, 2) for step in range(41))


def theatre_optimum(room: RoomShape, rules: RulePack) -> int:
    """The most places a valid theatre layout of straight rows holds in the room, searched
    exhaustively over the family arrange draws from (``layouts/theatre.py``).

    The family: chairs in straight rows parallel to one of the four walls, all facing it,
    at exactly the pack's spacing, the first row 0 to 2 m from that wall (every 5 cm);
    one pattern of blocks and aisles for every row: each side wall with or without an
    aisle, any number of blocks, at most 24 seats between two aisles and 12 against a wall,
    every aisle at least 1.3 m and 1 cm per person who relies on it (a block sends its
    seats to its nearer aisle), the slack at either wall or shared by the aisles,
    optionally the widest aisle 1.5 m for the turning circle and a wall aisle widened by a
    0.95 m bay for wheelchair spaces; chairs left out where they would stand in a door zone
    (door width x 1 m) or off the floor; the wheelchair spaces the pack requires for the
    seats left, in the bay, against the front wall behind a 0.9 m passage, or in the first
    row behind a passage (taking the chairs under them). A layout counts only if
    ``validate_layout`` finds no error in it (accessible route from a door to every row end
    and space, turning circle, row lengths, aisle widths, door zones), and never more than
    the room's floor-area and exit limits allow.

    Arrange tries seven of the 41 front gaps, so it can never beat this figure; it is
    exact for the family, not for layouts outside it (rows that step from block to block,
    rows of different patterns, seats at other angles).
    """
    layout = best_theatre(room, rules, FINE_FRONT_GAPS)
    return sum(item.furniture.places for item in layout.items)


def placed(room: RoomShape, rules: RulePack) -> int:
    """Places in the theatre layout arrange proposes, which must be valid and offer the
    wheelchair spaces its seats need."""
    layout = arrange(room, "theatre", rules).layout
    errors = [v for v in validate_layout(room, layout, rules) if v.severity == "error"]
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    spaces = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    assert not errors, errors
    assert spaces >= rules.wheelchair_spaces_required(seats), (seats, spaces)
    return sum(item.furniture.places for item in layout.items)


def l_shape() -> RoomShape:
    """An L of 20 x 8 plus 8 x 10, with doors enough that the exits do not bind."""
    outline = Polygon([(0, 0), (20, 0), (20, 8), (8, 8), (8, 18), (0, 18)])
    doors = (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
             Door(LineString([(20, 1), (20, 2.2)]), 1.2),
             Door(LineString([(0, 12), (0, 13.2)]), 1.2),
             Door(LineString([(4, 18), (5.2, 18)]), 1.2))
    return RoomShape(outline, doors)


def main() -> None:
    """Print the figures."""
    print("Validation (median of 5, dk-br18):")
    times = {count: validation_seconds(count) for count in (500, 1000, 2000)}
    for count, seconds in times.items():
        print(f"  {count:>5} items: {seconds * 1000:7.1f} ms")
    print(f"  t(2000)/t(1000) = {times[2000] / times[1000]:.2f}  (target <= 2.3)")
    print("Theatre seats placed by arrange vs the rule-limited optimum (dk-br18):")
    for width, depth in RECTANGLES:
        room = RoomShape(box(0, 0, width, depth), front_doors(width, depth))
        got, bound = placed(room, RULES), theatre_optimum(room, RULES)
        assert got <= bound, f"arrange placed {got}, more than the optimum {bound}"
        print(f"  {width:>2} x {depth:<2} m: {got:>4} of {bound:>4} = {got / bound:6.1%}"
              "  (target >= 98 %)")
    room = l_shape()
    bound = math.floor(usable_area(room) / RULES.area_for("theatre"))
    exits = room_capacity(room, RULES, "theatre").capacity
    got = placed(room, RULES)
    print(f"  L-shape {usable_area(room):.0f} m2: {got} of the area bound {bound} "
          f"= {got / bound:.1%}  (target >= 90 %); room capacity {exits}")


if __name__ == "__main__":
    main()
