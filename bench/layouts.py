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

from layouts.arrange import FRONT_GAP, arrange
from layouts.capacity import room_capacity, usable_area
from layouts.catalogue import CATALOGUE
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


def row_options(width: float, rules: RulePack) -> list[tuple[int, int, float]]:
    """Every way to split a row across ``width``: (chairs, aisles, aisle width). Blocks hold
    at most the pack's row length, and every block end not against a wall has an aisle."""
    chair = CATALOGUE["chair"].width
    options = []
    for step in range(60):
        aisle = rules.aisle_min_width + 0.05 * step
        for wall_aisles in (0, 1, 2):
            for inner in range(int(width / aisle) + 1):
                if inner == 0 and wall_aisles == 0:
                    continue
                blocks = inner + 1
                caps = [rules.max_row_seats_two_aisles] * blocks
                for index in range(min(2 - wall_aisles, blocks)):
                    caps[-index] = rules.max_row_seats_one_aisle
                aisles = inner + wall_aisles
                room_for = width - aisles * aisle
                if room_for > 0:
                    options.append((min(sum(caps), int(room_for / chair + 1e-9)), aisles, aisle))
    return options


def theatre_optimum(width: float, depth: float, rules: RulePack) -> int:
    """The rule-limited optimum for a rectangle, computed exactly over straight rows.

    Rows at the pack's spacing behind a 1.5 m front strip for the turning circle, each split
    into blocks and aisles as the row-length rules allow, with aisles that together are as
    wide as the pack asks per person; never more than the floor area and the exits allow.
    Door zones and the floor wheelchair spaces take are left out, so no valid layout of
    straight rows can beat it.
    """
    chair = CATALOGUE["chair"].depth
    rows = int((depth - FRONT_GAP - chair) / rules.row_spacing + 1e-9) + 1
    room = RoomShape(box(0, 0, width, depth), front_doors(width, depth))
    allowed = room_capacity(room, rules, "theatre").capacity
    best = 0
    for seats, aisles, aisle in row_options(width, rules):
        people = min(rows * seats, allowed)
        if aisles * aisle + 1e-9 >= people * rules.aisle_width_per_person:
            best = max(best, people)
    return best


def placed(room: RoomShape, rules: RulePack) -> int:
    """Places in the theatre layout arrange proposes."""
    layout = arrange(room, "theatre", rules).layout
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
        got, bound = placed(room, RULES), theatre_optimum(width, depth, RULES)
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
