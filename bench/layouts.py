"""Benchmarks of the layout planner: validation time, and how full auto-arrange packs a room.

Run from the repository root: python bench/layouts.py
(``--help`` for a subset of rooms or styles, the exhaustive theatre optimum, or an older
copy of ``layouts/`` as the baseline).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# A copy of an older ``layouts/`` (its parent directory) measured as the baseline.
if os.environ.get("AGORA_BENCH_LIBRARY"):
    sys.path.insert(0, os.environ["AGORA_BENCH_LIBRARY"])

from shapely.geometry import LineString, Polygon, box

from layouts.arrange import arrange, best_of, best_theatre
from layouts.capacity import room_capacity, usable_area
from layouts.catalogue import CATALOGUE
from layouts.layout import Item, Layout
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS, RulePack
from layouts.validate import validate_layout

RULES = RULE_PACKS["dk-br18"]
ROUNDS = 5
CHAIR = CATALOGUE["chair"]
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
    at exactly the pack's spacing, the first row 0 to 2 m from that wall (every 5 cm),
    rows left out at the back for a 0.95 m back passage or not; one pattern of blocks and
    aisles for every row: each side wall with or without an aisle, up to two blocks more
    than 12-seat blocks would need, at most 24 seats between two aisles and 12 against a
    wall, every aisle at least 1.3 m and 1 cm per person who relies on it (a block sends
    its seats to its nearer aisle), the slack at either wall or shared by the aisles,
    optionally the widest aisle 1.5 m for the turning circle and a wall aisle widened by a
    0.95 m bay for wheelchair spaces; chairs left out where they would stand in a door
    zone (door width x 1 m) or off the floor; the wheelchair spaces the pack requires for
    the seats left, in the bay, against the front wall behind a 0.9 m passage, in the
    first row behind a passage (taking the chairs under them), against the wall of a wall
    aisle (taking the aisle-end chairs of the rows beside them that stand in the way), or
    across the front end of a wall aisle. A room of several parts (an L) also gets each
    part planned on its own (the 36 best plans of each), one part holding the spaces for
    all or two parts sharing them; where a part's front passage leads on to the other part,
    rows also stand in that passage away from the opening and the aisles that reach it.
    A layout counts only if ``validate_layout`` finds no error in it (accessible route
    from a door to every row end and space, turning circle, row lengths, aisle widths,
    door zones), and never more than the room's floor-area and exit limits allow; the
    pruning arrange does after validation is done here too.

    Arrange tries seven of the 41 front gaps, the six best plans of each part, stops once
    its best holds 98 % of what any candidate left may hold, and gives up after 30 full
    validations (90 while none has proved valid; 720 candidates looked at, each first by
    its route to the doors). ``main`` checks that it never
    beats this figure. The figure is attained by a valid layout, and exact for the family
    but for the cut to the best plans of each part; it is not a bound for layouts outside
    the family (rows of different patterns, seats at other angles, spaces elsewhere):
    ``straight_row_bound`` is the generous bound for those.
    """
    layout = best_theatre(room, rules, FINE_FRONT_GAPS, patience=None, per_part=36)
    return sum(item.furniture.places for item in layout.items)


def straight_row_bound(arms: list[tuple[float, int]], rules: RulePack) -> int:
    """An upper bound no layout of straight rows facing one wall can beat, for a room whose
    rows run through ``arms``: (length of the rows, how many rows fit) for each.

    In an arm, the longest row has m seats: at most 24 between two aisles and 12 against a
    wall, and room beside them for its aisles, at least 1.3 m each. The aisles line up
    from row to row, so they are as wide in that row as anywhere; every seat of the arm
    relies on one of them, so together they are at least 1 cm per seat of the arm: the arm
    holds at most min(rows x m, (length - 0.5 m) / 1 cm) seats. The wheelchair spaces the
    seats ask for are added as if they took no floor. Door zones, the route to the doors,
    the turning circle and the floor the spaces take are left out, and arms that share
    aisles are counted apart, so the bound is generous: it shows what those cost, not what
    can be reached.
    """
    seats = sum(_arm_bound(length, rows, rules) for length, rows in arms)
    return seats + rules.wheelchair_spaces_required(seats)


def _arm_bound(length: float, rows: int, rules: RulePack) -> int:
    best = 0
    for aisles in range(1, int(length / rules.aisle_min_width) + 1):
        for wall_aisles in range(min(2, aisles) + 1):
            blocks = aisles + 1 - wall_aisles
            against_walls = min(blocks, 2 - wall_aisles)
            if blocks == 1 and wall_aisles == 0:
                continue
            caps = ((blocks - against_walls) * rules.max_row_seats_two_aisles
                    + against_walls * rules.max_row_seats_one_aisle)
            for longest in range(1, min(caps, int(length / CHAIR.width)) + 1):
                aisle_room = length - CHAIR.width * longest
                if aisle_room + 1e-9 < rules.aisle_min_width * aisles:
                    break
                people = int(aisle_room / rules.aisle_width_per_person + 1e-9)
                best = max(best, min(rows * longest, people))
    return best


def rows_in(depth: float, rules: RulePack) -> int:
    """How many rows of chairs fit one behind the other in ``depth``."""
    return int((depth - CHAIR.depth) / rules.row_spacing + 1e-9) + 1


def rectangle_bound(width: float, depth: float, rules: RulePack) -> int:
    """The straight-row bound of a rectangle, rows along either side."""
    return max(straight_row_bound([(width, rows_in(depth, rules))], rules),
               straight_row_bound([(depth, rows_in(width, rules))], rules))


def l_shape_bound(rules: RulePack) -> int:
    """The straight-row bound of the L (20 x 8 plus 8 x 10): rows along x are 20 m long in
    the first 8 m and 8 m long above; rows along y are 18 m long in the first 8 m of x and
    8 m long in the other 12 m."""
    along_x = straight_row_bound([(20.0, rows_in(8.0, rules)), (8.0, rows_in(18.0, rules)
                                                                - rows_in(8.0, rules))], rules)
    along_y = straight_row_bound([(18.0, rows_in(8.0, rules)), (8.0, rows_in(12.0, rules))],
                                 rules)
    return max(along_x, along_y)


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
    """An L of 20 x 8 plus 8 x 10, with doors enough that the exits do not bind.

    Is 90 % of its area bound (432 of 480 places at 0.5 m2 each) within reach? Rows along
    the long arm: the 20 m arm holds 10 rows (7.7 m of its 8), 330 seats at most once its
    aisles are 1 cm per person; the 8 m arm above holds 12 rows, 150 at most (a row of 13
    leaves 1.5 m of aisle, enough for 150 people); 480 seats, which with the spaces is
    ``l_shape_bound`` (486) and no less than the area bound. But the aisles between blocks
    of the long arm reach a door only through a 0.9 m cross passage, which costs it a row
    (300 at most), or it keeps wall aisles only (24 seats a row, 240); door zones take a
    few chairs; six wheelchair spaces must stand on the route, and where no bay or deep
    passage has room each takes the floor of two or three chairs. Rows of two lengths in
    the long arm win back most of the cross passage: it needs to run only from the aisle
    between the blocks to the 8 m arm, so beyond that a tenth row stands in it. Arrange
    reaches 440 so: 9 rows of 32 and a stepped row of 21 in the long arm, 12 rows of 11 or
    12 in the 8 m arm with five spaces in its wall aisle, and one space at the wall end of
    the long arm's first row, its front on the passage (three chairs).
    """
    outline = Polygon([(0, 0), (20, 0), (20, 8), (8, 8), (8, 18), (0, 18)])
    doors = (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
             Door(LineString([(20, 1), (20, 2.2)]), 1.2),
             Door(LineString([(0, 12), (0, 13.2)]), 1.2),
             Door(LineString([(4, 18), (5.2, 18)]), 1.2))
    return RoomShape(outline, doors)


def l_shape_24x16() -> RoomShape:
    """An L of 24 x 8 plus 12 x 8 (24 x 16 m overall), doors on its outer walls."""
    outline = Polygon([(0, 0), (24, 0), (24, 8), (12, 8), (12, 16), (0, 16)])
    doors = (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
             Door(LineString([(24, 1), (24, 2.2)]), 1.2),
             Door(LineString([(0, 12), (0, 13.2)]), 1.2),
             Door(LineString([(5, 16), (6.2, 16)]), 1.2))
    return RoomShape(outline, doors)


SEED = 12
RANDOM_ROOMS = 24


def random_rooms(count: int = RANDOM_ROOMS, seed: int = SEED) -> list[tuple[str, RoomShape]]:
    """``count`` rooms 5-22 m across, a third each rectangles, L-shapes and rectangles with a
    pillar, the same for the same seed. Two 1.2 m doors near the back of the side walls,
    a third in the back wall of a room over 150 m2 (an L has its doors on the walls the
    missing corner leaves whole)."""
    rng = random.Random(seed)
    rooms = []
    for n in range(count):
        kind = ("rect", "L", "pillar")[n % 3]
        width, depth = round(rng.uniform(5, 22), 1), round(rng.uniform(5, 22), 1)
        doors = [Door(LineString([(0, 1), (0, 2.2)]), 1.2)]
        if kind == "L":
            arm_y = round(max(2.6, depth * rng.uniform(0.35, 0.65)), 1)
            arm_x = round(max(2.6, width * rng.uniform(0.35, 0.65)), 1)
            outline = Polygon([(0, 0), (width, 0), (width, arm_y), (arm_x, arm_y),
                               (arm_x, depth), (0, depth)])
            doors.append(Door(LineString([(width, 1), (width, 2.2)]), 1.2))
            if width * depth > 150:
                doors.append(Door(LineString([(0, depth - 2.2), (0, depth - 1.0)]), 1.2))
            rooms.append((f"L {width:g}x{depth:g}", RoomShape(outline, tuple(doors))))
            continue
        doors.append(Door(LineString([(width, 1), (width, 2.2)]), 1.2))
        if width * depth > 150:
            doors.append(Door(LineString([(width / 2 - 0.6, 0), (width / 2 + 0.6, 0)]), 1.2))
        obstacles: tuple[Polygon, ...] = ()
        if kind == "pillar":
            side = round(rng.uniform(0.3, 0.8), 2)
            x = round(rng.uniform(1.5, width - 1.5 - side), 2)
            y = round(rng.uniform(1.5, depth - 1.5 - side), 2)
            obstacles = (box(x, y, x + side, y + side),)
        name = f"{'pillar ' if obstacles else 'rect '}{width:g}x{depth:g}"
        rooms.append((name, RoomShape(box(0, 0, width, depth), tuple(doors), obstacles)))
    return rooms


def bench_rooms(randoms: int = RANDOM_ROOMS) -> list[tuple[str, RoomShape]]:
    """Every room of the bench: the rectangles, the two Ls, and the random rooms."""
    rooms = [(f"rect {w}x{d}", RoomShape(box(0, 0, w, d), front_doors(w, d)))
             for w, d in RECTANGLES]
    return [*rooms, ("L 20x18", l_shape()), ("L 24x16", l_shape_24x16()),
            *random_rooms()[:randoms]]


ARRANGED = ("theatre", "classroom", "boardroom", "u_shape", "banquet", "cabaret")
VALIDATIONS = 5


class Counted:
    """Counts the validations ``layouts.arrange`` makes while in force."""

    def __init__(self) -> None:
        self.module = sys.modules["layouts.arrange"]
        self.original = self.module.validate_layout
        self.calls = 0

    def __enter__(self) -> Counted:
        def counting(*args, **kwargs):
            self.calls += 1
            return self.original(*args, **kwargs)
        self.module.validate_layout = counting
        return self

    def __exit__(self, *_: object) -> None:
        self.module.validate_layout = self.original


def family_optimum(room: RoomShape, style: str, rules: RulePack, fine: bool) -> int:
    """The most places among every candidate arrange draws from, all validated: the theatre
    family with arrange's front gaps and plans (``theatre_optimum`` with ``fine``), every
    orientation, offset and maker of the other styles."""
    if style == "theatre":
        if fine:
            return theatre_optimum(room, rules)
        layout = best_theatre(room, rules, patience=None)
    else:
        target = room_capacity(room, rules, style).capacity
        layout = best_of(room, style, rules, target,
                         sys.modules["layouts.arrange"]._candidates(room, style, rules),
                         patience=None)
    return sum(item.furniture.places for item in layout.items)


def arrange_cost(name: str, room: RoomShape, style: str, rules: RulePack,
                 fine: bool, optimum: bool = True) -> dict:
    """Arrange once; validate its result ``VALIDATIONS`` times; the family optimum."""
    with Counted() as counted:
        start = time.perf_counter()
        layout = arrange(room, style, rules).layout
        seconds = time.perf_counter() - start
    times = []
    for _ in range(VALIDATIONS):
        start = time.perf_counter()
        found = validate_layout(room, layout, rules)
        times.append(time.perf_counter() - start)
    errors = [v.code for v in found if v.severity == "error"]
    assert not errors, (name, style, errors)
    places = sum(item.furniture.places for item in layout.items)
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    spaces = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    best = family_optimum(room, style, rules, fine) if optimum else 0
    return {"room": name, "style": style, "seconds": seconds, "checks": counted.calls,
            "validation": statistics.median(times), "places": places, "best": best,
            "short": max(0, rules.wheelchair_spaces_required(seats) - spaces)}


def arrange_costs(names: list[str] | None, styles: tuple[str, ...], fine: bool,
                  optimum: bool = True, randoms: int = RANDOM_ROOMS) -> None:
    """Print, per room and style, what arrange costs in validations of its own result and
    how close it comes to the family optimum; then the worst of each."""
    print(f"Arrange cost per room (dk-br18): arrange seconds / median of {VALIDATIONS} "
          "validations of its result, places vs the family optimum")
    print(f"  {'room':<18} {'style':<9} {'arrange':>8} {'valid.':>7} {'ratio':>6} "
          f"{'checks':>6} {'places':>6} {'best':>5} {'%':>6}")
    rows = []
    for name, room in bench_rooms(randoms):
        if names and not any(wanted in name for wanted in names):
            continue
        for style in styles:
            row = arrange_cost(name, room, style, RULES, fine, optimum)
            row["ratio"] = row["seconds"] / row["validation"]
            row["share"] = row["places"] / row["best"] if row["best"] else 1.0
            rows.append(row)
            print(f"  {name:<18} {style:<9} {row['seconds']:8.3f} {row['validation']:7.4f} "
                  f"{row['ratio']:6.1f} {row['checks']:6d} {row['places']:6d} "
                  f"{row['best']:5d} {row['share']:6.1%}"
                  + (f"  {row['short']} wheelchair space(s) short" if row["short"] else ""),
                  flush=True)
    if rows:
        worst = max(rows, key=lambda r: r["ratio"])
        least = min(rows, key=lambda r: r["share"])
        print(f"Summary: max ratio {worst['ratio']:.1f} ({worst['room']}, {worst['style']}; "
              f"target <= 5), over 5: {sum(r['ratio'] > 5 for r in rows)} of {len(rows)}; "
              f"min {least['share']:.1%} of the optimum ({least['room']}, {least['style']}; "
              f"target >= 98 %), under 98 %: {sum(r['share'] < 0.98 for r in rows)}; "
              f"empty: {sum(r['places'] == 0 for r in rows)}; "
              f"short of spaces: {sum(1 for r in rows if r['short'])}")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", nargs="*", help="only rooms whose name holds one of these")
    parser.add_argument("--styles", nargs="*", default=list(ARRANGED), choices=ARRANGED)
    parser.add_argument("--fine", action="store_true",
                        help="the theatre optimum exhaustively over 41 front gaps (slow)")
    parser.add_argument("--random", type=int, default=RANDOM_ROOMS,
                        help=f"how many of the {RANDOM_ROOMS} random rooms")
    parser.add_argument("--no-optimum", action="store_true",
                        help="leave out the family optimum (a baseline run)")
    parser.add_argument("--costs-only", action="store_true",
                        help="only the arrange cost table")
    args = parser.parse_args()
    arrange_costs(args.rooms, tuple(args.styles), args.fine, not args.no_optimum, args.random)
    if not args.costs_only:
        packing()


def packing() -> None:
    """Print the validation times and how full theatre arrange packs the fixed rooms."""
    print("Validation (median of 5, dk-br18):")
    times = {count: validation_seconds(count) for count in (500, 1000, 2000)}
    for count, seconds in times.items():
        print(f"  {count:>5} items: {seconds * 1000:7.1f} ms")
    print(f"  t(2000)/t(1000) = {times[2000] / times[1000]:.2f}  (target <= 2.3)")
    print("Theatre places by arrange vs the optimum of the theatre family, exhaustive "
          "(target >= 98 %),\nand vs the generous straight-row bound (dk-br18):")
    for width, depth in RECTANGLES:
        room = RoomShape(box(0, 0, width, depth), front_doors(width, depth))
        got, best = placed(room, RULES), theatre_optimum(room, RULES)
        assert got <= best, f"arrange placed {got}, more than the optimum {best}"
        bound = min(rectangle_bound(width, depth, RULES),
                    room_capacity(room, RULES, "theatre").capacity)
        print(f"  {width:>2} x {depth:<2} m: {got:>4} of {best:>4} = {got / best:6.1%};"
              f"  bound {bound:>4}: {got / bound:6.1%}")
    room = l_shape()
    area_bound = math.floor(usable_area(room) / RULES.area_for("theatre"))
    got, best = placed(room, RULES), theatre_optimum(room, RULES)
    assert got <= best, f"arrange placed {got}, more than the optimum {best}"
    bound = min(l_shape_bound(RULES), room_capacity(room, RULES, "theatre").capacity)
    print(f"  L-shape {usable_area(room):.0f} m2: {got} of the area bound {area_bound} "
          f"= {got / area_bound:.1%} (target >= 90 %); of the family optimum {best} = "
          f"{got / best:.1%}; bound {bound}: {got / bound:.1%}")


if __name__ == "__main__":
    main()
