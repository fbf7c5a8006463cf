"""Theatre plans: straight rows facing the front, blocks between aisles, wheelchair spaces.

A plan is a handful of choices made in a frame whose front is at the top (+y): how far the
first row stands from the front wall, which side walls get an aisle, how many blocks a row
is split into, where the slack goes, and whether a wall aisle is widened into a bay that
holds the wheelchair spaces. ``build`` turns a plan into chairs and spaces on the usable
floor; ``plans`` lists the choices worth trying. ``arrange`` searches part of this
family (seven front gaps, thirty full validations at most, and it stops once what it has
holds 98 % of what any candidate left may hold); the benchmark searches all of it and
calls the best valid layout it finds the optimum. The classroom's rows of desks
use the same blocks between aisles (``blocks_for`` with a desk as the unit).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import shapely
from shapely.geometry import Polygon, box

from layouts.aisles import persons_per_end
from layouts.catalogue import CATALOGUE
from layouts.layout import Item
from layouts.rulepacks import RulePack

CHAIR = CATALOGUE["chair"]
SPACE = CATALOGUE["wheelchair_space"]
ROUTE = 0.9
# Items are placed to the millimetre; two centimetres more keep every aisle above its
# rule after rounding.
SLACK = 0.02
BAY = SPACE.width + 0.05
TURNING = 1.5 + 2 * SLACK
FRONT_GAPS = (0.0, 0.5, 0.95, 1.05, 1.1, 1.55, 1.85)
SLACK_PLACES = ("left", "right", "aisles")


@dataclass(frozen=True)
class Plan:
    """The choices that make a theatre layout in a frame (front at the top).

    ``front_gap``: free floor between the front wall and the first row. A gap of at least
    0.9 m is a cross passage; 1.0 m lets a space in the first row touch it, 1.5 m holds the
    turning circle, 1.85 m holds spaces against the front wall with the passage behind them.
    ``bay``: the side ("left"/"right") whose wall aisle is 0.95 m wider than the rule asks,
    so that spaces stand along that wall without narrowing the aisle.
    ``turning``: make the widest aisle at least 1.5 m so the turning circle fits in it.
    ``back_passage``: leave rows out at the back until a 0.95 m passage runs behind them.
    ``stepped``: where the front passage leads on to another part of the room (the other
    arm of an L), seat rows in the passage too, away from that opening and from the aisles
    that reach it through the passage.
    """

    front_gap: float
    left_aisle: bool
    right_aisle: bool
    blocks: int
    slack: str = "aisles"
    bay: str = ""
    turning: bool = False
    back_passage: bool = False
    stepped: bool = False


@dataclass(frozen=True)
class Block:
    """Units side by side from ``start`` (chairs; in a classroom, tables with their chairs);
    which of its ends open on an aisle."""

    start: float
    units: int
    left_open: bool
    right_open: bool


@dataclass(frozen=True)
class Unit:
    """What blocks are made of: how wide one is, and how many it seats."""

    width: float
    seats: int


SEAT = Unit(CHAIR.width, 1)


def plans(width: float, depth: float, rules: RulePack,
          front_gaps: tuple[float, ...] = FRONT_GAPS, stepping: bool = False) -> Iterator[Plan]:
    """Every plan worth trying in a frame ``width`` wide (along the rows) and ``depth`` deep
    (``stepping``: with rows in the front passage too)."""
    # More blocks than this only add aisles: rows this wide fill with blocks of 12 or more.
    most_blocks = int(width / (rules.aisle_min_width + CHAIR.width
                               * rules.max_row_seats_one_aisle)) + 2
    for front_gap in front_gaps:
        if front_gap > depth - CHAIR.depth:
            continue
        for left_aisle in (False, True):
            for right_aisle in (False, True):
                for blocks in range(1, most_blocks + 1):
                    for bay in _bays(left_aisle, right_aisle):
                        for turning, slack, back, stepped in itertools.product(
                                (False, True), SLACK_PLACES, (False, True),
                                (False, True) if stepping and front_gap >= ROUTE
                                else (False,)):
                            yield Plan(front_gap, left_aisle, right_aisle, blocks, slack, bay,
                                       turning, back, stepped)


def _bays(left_aisle: bool, right_aisle: bool) -> list[str]:
    return [""] + (["left"] if left_aisle else []) + (["right"] if right_aisle else [])


def row_bands(usable: Polygon, front_gap: float, pitch: float,
              back_passage: bool = False) -> list[tuple[float, float]]:
    """The y ranges of the rows, from the front down, the first ``front_gap`` from the front
    (and the last, with a back passage, at least 0.95 m from the back)."""
    _, miny, _, maxy = usable.bounds
    bottom = miny + (ROUTE + 0.05 if back_passage else 0.0)
    bands = []
    top = maxy - front_gap
    while top - CHAIR.depth >= bottom - 1e-9:
        bands.append((top - CHAIR.depth, top))
        top -= pitch
    return bands


def blocks_for(plan: Plan, x0: float, x1: float, rows: int, rules: RulePack,
               unit: Unit = SEAT) -> list[Block] | None:
    """The blocks of a row between x0 and x1 with the most seats the aisles allow, or None.

    Every aisle is as wide as the people of ``rows`` rows who rely on it need (each block
    sends its seats to its nearer aisle), a bay or the turning circle added where asked.
    """
    units = units_per_block(plan, x1 - x0, rows, rules, unit)
    return _placed(plan, units, _opens(plan), x0, x1, rows, rules, unit) if units else None


def _opens(plan: Plan) -> list[tuple[bool, bool]]:
    """For each block, whether its left and its right end open on an aisle."""
    return [(i > 0 or plan.left_aisle, i < plan.blocks - 1 or plan.right_aisle)
            for i in range(plan.blocks)]


def units_per_block(plan: Plan, width: float, rows: int, rules: RulePack,
                    unit: Unit = SEAT) -> list[int] | None:
    """Units of each block, filled evenly up to the row-length caps while the row is wide
    enough; None if a block has no aisle at either end or gets no unit."""
    opens = _opens(plan)
    if any(not left and not right for left, right in opens):
        return None
    caps = [(rules.max_row_seats_two_aisles if left and right
             else rules.max_row_seats_one_aisle) // unit.seats for left, right in opens]
    units = [0] * plan.blocks
    while True:
        order = sorted((i for i in range(plan.blocks) if units[i] < caps[i]),
                       key=lambda i: (units[i] / caps[i], i))
        for index in order:
            trial = [*units[:index], units[index] + 1, *units[index + 1:]]
            if _width_used(plan, trial, opens, rows, rules, unit) <= width + 1e-9:
                units = trial
                break
        else:
            break
    return units if all(units) else None


def _aisle_widths(plan: Plan, units: list[int], opens: list[tuple[bool, bool]], rows: int,
                  rules: RulePack, unit: Unit) -> list[float]:
    """Widths of the aisles from left to right (wall aisles included where the plan has them)."""
    people = [0.0] * (plan.blocks + 1)
    for index, (count, (left, right)) in enumerate(zip(units, opens, strict=True)):
        share = persons_per_end(count * unit.seats, left + right)
        if left:
            people[index] += share * rows
        if right:
            people[index + 1] += share * rows
    widths = [max(rules.aisle_min_width, rules.aisle_width_per_person * p) + SLACK
              for p in people]
    if plan.bay == "left":
        widths[0] += BAY
    if plan.bay == "right":
        widths[-1] += BAY
    present = [i for i in range(plan.blocks + 1)
               if (i == 0 and plan.left_aisle) or (i == plan.blocks and plan.right_aisle)
               or 0 < i < plan.blocks]
    if plan.turning and present:
        widest = max(present, key=lambda i: (widths[i], -abs(i - plan.blocks / 2)))
        widths[widest] = max(widths[widest], TURNING)
    return [widths[i] if i in present else 0.0 for i in range(plan.blocks + 1)]


def _width_used(plan: Plan, units: list[int], opens: list[tuple[bool, bool]], rows: int,
                rules: RulePack, unit: Unit) -> float:
    return unit.width * sum(units) + sum(_aisle_widths(plan, units, opens, rows, rules, unit))


def _placed(plan: Plan, units: list[int], opens: list[tuple[bool, bool]], x0: float,
            x1: float, rows: int, rules: RulePack, unit: Unit = SEAT) -> list[Block]:
    widths = _aisle_widths(plan, units, opens, rows, rules, unit)
    slack = x1 - x0 - unit.width * sum(units) - sum(widths)
    aisles = [i for i, width in enumerate(widths) if width > 0]
    if plan.slack == "aisles" and aisles:
        for i in aisles:
            widths[i] += slack / len(aisles)
        x = x0
    else:
        x = x0 + (slack if plan.slack == "left" else 0.0)
    blocks = []
    for index, count in enumerate(units):
        x += widths[index]
        blocks.append(Block(x, count, *opens[index]))
        x += count * unit.width
    return blocks


def free_spans(usable: Polygon, y0: float, y1: float) -> list[tuple[float, float]]:
    """The x ranges where the band y0..y1 lies wholly on usable floor."""
    return bands_free_spans(usable, [(y0, y1)])[0]


def bands_free_spans(usable: Polygon, bands: list[tuple[float, float]]
                     ) -> list[list[tuple[float, float]]]:
    """``free_spans`` of each band, the floor cut out of all of them at once."""
    if not bands:
        return []
    minx, _, maxx, _ = usable.bounds
    lows, highs = zip(*bands, strict=True)
    blocked = shapely.difference(shapely.box(minx - 1, list(lows), maxx + 1, list(highs)),
                                 usable)
    found = []
    for cut in blocked:
        parts = shapely.get_parts(cut)
        parts = parts[shapely.area(parts) >= 1e-9] if len(parts) else parts
        spans = [(minx, maxx)]
        for bx0, _, bx1, _ in shapely.bounds(parts).tolist() if len(parts) else ():
            spans = [piece for a, b in spans for piece in ((a, min(b, bx0)), (max(a, bx1), b))
                     if piece[1] - piece[0] > 1e-6]
        found.append(spans)
    return found


@dataclass(frozen=True)
class Rows:
    """The row bands for one front gap (front first), the x ranges free for chairs in each,
    the x ranges of open floor (door zones included) where an aisle can run, and those
    where the open floor goes on beyond the front (another part of the room, not a wall).
    The first ``passage_rows`` bands stand in the passage in front of the others."""

    bands: tuple[tuple[float, float], ...]
    spans: tuple[tuple[tuple[float, float], ...], ...]
    open_spans: tuple[tuple[tuple[float, float], ...], ...]
    beyond_front: tuple[tuple[float, float], ...] = ()
    passage_rows: int = 0

    @property
    def first(self) -> tuple[float, float]:
        """The band of the first row behind the front passage."""
        return self.bands[self.passage_rows]


def rows_for(usable: Polygon, front_gap: float, pitch: float, back_passage: bool = False,
             open_floor: Polygon | None = None, stepped: bool = False) -> Rows:
    """The rows of a front gap, with the floor free for chairs in each and the open floor
    (``usable`` if not given); ``stepped``, rows in the front passage too where it leads on
    to more open floor beyond the front."""
    bands = row_bands(usable, front_gap, pitch, back_passage)
    floor = usable if open_floor is None else open_floor
    maxy = usable.bounds[3]
    beyond = tuple(free_spans(floor, maxy, maxy + 0.2)) if open_floor is not None else ()
    rows = Rows(*_spans_of(bands, usable, floor), beyond)
    return with_passage_rows(rows, usable, floor, front_gap, pitch) if stepped else rows


def with_passage_rows(rows: Rows, usable: Polygon, open_floor: Polygon, front_gap: float,
                      pitch: float) -> Rows:
    """The rows and more in the front passage, where it leads on beyond the front (the
    rows behind keep the floor already worked out for them)."""
    if not (rows.beyond_front and rows.bands and front_gap >= ROUTE):
        return rows
    bands, spans, open_spans = _spans_of(
        _passage_bands(rows.bands[0][1], usable.bounds[3], pitch), usable, open_floor)
    return Rows(bands + rows.bands, spans + rows.spans, open_spans + rows.open_spans,
                rows.beyond_front, len(bands))


def _spans_of(bands: list[tuple[float, float]], usable: Polygon, open_floor: Polygon) -> tuple[
        tuple[tuple[float, float], ...], tuple[tuple[tuple[float, float], ...], ...],
        tuple[tuple[tuple[float, float], ...], ...]]:
    """The bands, the floor free for chairs in each, and the open floor in each."""
    return (tuple(bands), tuple(tuple(spans) for spans in bands_free_spans(usable, bands)),
            tuple(tuple(spans) for spans in bands_free_spans(open_floor, bands)))


def _passage_bands(front: float, maxy: float, pitch: float) -> list[tuple[float, float]]:
    """Bands a row pitch apart in the passage between ``front`` and the front wall, front
    first."""
    bands: list[tuple[float, float]] = []
    top = front + pitch
    while top <= maxy + 1e-9:
        bands.insert(0, (top - CHAIR.depth, top))
        top += pitch
    return bands


def _seat_spans(blocks: list[Block], rows: Rows) -> list[tuple[tuple[float, float], ...]]:
    """The floor free for chairs in each band; in the passage rows only beyond the stretch
    of passage that leads from the aisles between blocks to the floor beyond the front."""
    if not rows.passage_rows:
        return list(rows.spans)
    ends = [x for a, b in rows.beyond_front for x in (a, b)]
    ends += [x for left, right in itertools.pairwise(blocks)
             for x in (left.start + left.units * CHAIR.width, right.start)]
    low, high = min(ends), max(ends)
    kept = [tuple(piece for a, b in spans for piece in ((a, min(b, low)), (max(a, high), b))
                  if piece[1] - piece[0] > 1e-6) for spans in rows.spans[:rows.passage_rows]]
    return kept + list(rows.spans[rows.passage_rows:])


def _chair_lefts(block: Block, spans: tuple[tuple[float, float], ...],
                 open_spans: tuple[tuple[float, float], ...], rules: RulePack) -> list[float]:
    """Left edges of the block's chairs in a row: those on usable floor, where a wall or an
    obstacle cuts the block, only as many as the aisle left at the end of each piece allows.
    """
    lefts = []
    for a, b in spans:
        first, last = _seat_range(block, a, b)
        if last <= first:
            continue
        start, end = block.start + first * CHAIR.width, block.start + last * CHAIR.width
        floor_a, floor_b = next(((oa, ob) for oa, ob in open_spans
                                 if oa - 1e-6 <= start and end <= ob + 1e-6), (a, b))
        left_open = start - floor_a >= rules.aisle_min_width - 1e-9
        right_open = floor_b - end >= rules.aisle_min_width - 1e-9
        if left_open and right_open:
            keep = range(first, min(last, first + rules.max_row_seats_two_aisles))
        elif left_open:
            keep = range(first, min(last, first + rules.max_row_seats_one_aisle))
        elif right_open:
            keep = range(max(first, last - rules.max_row_seats_one_aisle), last)
        else:
            keep = range(0)
        lefts += [block.start + n * CHAIR.width for n in keep]
    return lefts


def _seat_range(block: Block, a: float, b: float) -> tuple[int, int]:
    first = max(0, math.ceil((a - block.start) / CHAIR.width - 1e-9))
    return first, max(first, min(block.units, math.floor((b - block.start) / CHAIR.width + 1e-9)))


def _seat_count(blocks: list[Block], rows: Rows) -> int:
    """How many chairs of these blocks stand on usable floor (rows alike counted once)."""
    alike: dict[tuple[tuple[float, float], ...], int] = {}
    for spans in _seat_spans(blocks, rows):
        alike[spans] = alike.get(spans, 0) + 1
    total = 0
    for spans, times in alike.items():
        for block in blocks:
            for a, b in spans:
                first, last = _seat_range(block, a, b)
                total += times * (last - first)
    return total


def chair_rows(blocks: list[Block], rows: Rows,
               rules: RulePack) -> list[tuple[float, list[float]]]:
    """Each row (front first) as its y and the x of its chairs that stand on usable floor."""
    return [((y0 + y1) / 2, [x + CHAIR.width / 2 for block in blocks
                             for x in _chair_lefts(block, spans, open_spans, rules)])
            for (y0, y1), spans, open_spans in zip(rows.bands, _seat_spans(blocks, rows),
                                                   rows.open_spans, strict=True)]


def plan_blocks(usable: Polygon, plan: Plan, rows: Rows, rules: RulePack,
                memo: dict | None = None) -> list[Block] | None:
    """The plan's blocks across the usable floor, or None if no seat fits.

    The blocks do not depend on the front gap, only on how many rows there are, so a memo
    shared by the plans of one floor saves recomputing them for every gap.
    """
    if not rows.bands:
        return None
    minx, _, maxx, _ = usable.bounds
    key = (plan.left_aisle, plan.right_aisle, plan.blocks, plan.bay, plan.turning,
           len(rows.bands))
    if memo is None or key not in memo:
        units = units_per_block(plan, maxx - minx, len(rows.bands), rules)
        if memo is None:
            return _placed(plan, units, _opens(plan), minx, maxx, len(rows.bands),
                           rules) if units else None
        memo[key] = units
    # Where the blocks stand depends on the slack too, and on nothing else of the plan.
    placed_key = (*key, plan.slack)
    if placed_key not in memo:
        units = memo[key]
        memo[placed_key] = _placed(plan, units, _opens(plan), minx, maxx, len(rows.bands),
                                   rules) if units else None
    return memo[placed_key]


def _cross_passage(usable: Polygon, rows: Rows) -> bool:
    """Whether a route can run across the room in front of the rows or behind them: an aisle
    between two blocks reaches a door no other way."""
    _, miny, _, maxy = usable.bounds
    return maxy - rows.first[1] >= ROUTE or rows.bands[-1][0] - miny >= ROUTE


def build(usable: Polygon, plan: Plan, rules: RulePack, rows: Rows | None = None
          ) -> list[Item] | None:
    """Spaces and chairs of the plan in the frame (spaces first, then rows from the front),
    or None if the plan does not fit or cannot offer the wheelchair spaces its seats need."""
    laid = seating(usable, plan, rules, rows)
    chosen = _with_spaces(laid, rules) if laid else None
    return _items(laid, chosen) if laid and chosen else None


@dataclass(frozen=True)
class Seating:
    """A plan's rows of chairs (each its y and the x of its chairs, front first), and the
    spots where wheelchair spaces may stand, cheapest first, each with the chairs
    (row, number) it takes. Neither depends on the rule pack's wheelchair table."""

    seated: list[tuple[float, list[float]]]
    spots: list[tuple[Item, set[tuple[int, int]]]]


def seating(usable: Polygon, plan: Plan, rules: RulePack,
            rows: Rows | None = None, memo: dict | None = None) -> Seating | None:
    """The plan's chairs and spots for spaces, or None if no seat fits (``memo`` as for
    ``plan_blocks``)."""
    rows = rows or rows_for(usable, plan.front_gap, rules.row_spacing, plan.back_passage)
    blocks = plan_blocks(usable, plan, rows, rules, memo)
    if blocks is None:
        return None
    seated = chair_rows(blocks, rows, rules)
    spots = [(spot, _covered(claim, seated))
             for spot, claim in _space_spots(usable, plan, blocks, rows, rules)]
    # Free spots first, then those that take fewer chairs; spots alike in cost in the
    # order given, so that spaces in a row stay together.
    spots.sort(key=lambda found: (bool(found[1]), len(found[1]) > FIRST_ROW_COST))
    return Seating(seated, spots)


Chosen = tuple[list[Item], set[tuple[int, int]]]


def _items(laid: Seating, chosen: Chosen) -> list[Item]:
    """The spaces chosen, then the chairs of the seating they leave, row by row."""
    spaces, taken = chosen
    return spaces + [Item("chair", round(x, 3), round(y, 3), 0.0)
                     for row, (y, xs) in enumerate(laid.seated) for n, x in enumerate(xs)
                     if (row, n) not in taken]


def _place_count(laid: Seating, chosen: Chosen) -> int:
    """The places ``_items`` makes, without making the items."""
    spaces, taken = chosen
    return len(spaces) + sum(len(xs) for _, xs in laid.seated) - len(taken)


def _with_spaces(laid: Seating, rules: RulePack) -> Chosen | None:
    """Take the cheapest spots until the seats left need no more spaces than are placed:
    the spaces, and the chairs (row, number) they take."""
    chairs = sum(len(xs) for _, xs in laid.seated)
    placed: list[Item] = []
    taken: set[tuple[int, int]] = set()
    for spot, covered in laid.spots:
        if rules.wheelchair_spaces_required(chairs - len(taken)) <= len(placed):
            break
        if any(_overlap(spot, other) for other in placed):
            continue
        placed.append(spot)
        taken |= covered
    if rules.wheelchair_spaces_required(chairs - len(taken)) > len(placed):
        return None
    return placed, taken


# A space in the first row takes two or three chairs; spots that take more come after.
FIRST_ROW_COST = 3

Spot = tuple[Item, tuple[float, float, float, float]]


def _spot(item: Item, front: float | None = None) -> Spot:
    """A spot that claims the floor it stands on (and up to ``front`` if given)."""
    half_x, half_y = _half_sizes(item)
    top = item.y + half_y if front is None else max(front, item.y + half_y)
    return item, (item.x - half_x, item.y - half_y, item.x + half_x, top)


def _covered(claim: tuple[float, float, float, float],
             seated: list[tuple[float, list[float]]]) -> set[tuple[int, int]]:
    """The chairs (row, number) that stand on the floor a spot claims.

    Chairs and spots stand square to the frame, so overlaps are worked out on their
    bounds rather than with polygons (a plan has hundreds of chairs and spots)."""
    x0, y0, x1, y1 = claim
    half_x, half_y = CHAIR.width / 2, CHAIR.depth / 2
    covered = set()
    for row, (y, xs) in enumerate(seated):
        dy = min(y1, y + half_y) - max(y0, y - half_y)
        if dy <= 0:
            continue
        # The chairs of a row stand left to right: only those from x0 - half_x on.
        for n in range(bisect.bisect_left(xs, x0 - half_x), len(xs)):
            x = xs[n]
            if x - half_x >= x1:
                break
            dx = min(x1, x + half_x) - max(x0, x - half_x)
            if dx > 0 and dx * dy > 1e-4:
                covered.add((row, n))
    return covered


def _half_sizes(item: Item) -> tuple[float, float]:
    kind = item.furniture
    turned = round(item.rotation) % 180 == 90
    return (kind.depth / 2, kind.width / 2) if turned else (kind.width / 2, kind.depth / 2)


def _overlap(a: Item, b: Item) -> bool:
    """Whether two items square to the frame share more than a sliver of floor."""
    (aw, ad), (bw, bd) = _half_sizes(a), _half_sizes(b)
    dx = min(a.x + aw, b.x + bw) - max(a.x - aw, b.x - bw)
    dy = min(a.y + ad, b.y + bd) - max(a.y - ad, b.y - bd)
    return dx > 0 and dy > 0 and dx * dy > 1e-4


def _space_spots(usable: Polygon, plan: Plan, blocks: list[Block], rows: Rows,
                 rules: RulePack) -> list[Spot]:
    """Where wheelchair spaces may stand: along a bay, against the front wall behind which a
    passage stays free, in the first row where a passage runs in front of it, or against
    the wall of a wall aisle. A space in the first row claims the floor in front of it up
    to the front wall, where rows stand in the passage."""
    bands = list(rows.bands)
    spots = [_spot(item) for item in _bay_spots(usable, plan, bands)]
    if plan.front_gap >= 2 * ROUTE + 0.05:
        spots += [_spot(item) for item in _front_wall_spots(usable)]
    elif plan.front_gap >= ROUTE + 0.1:
        front = usable.bounds[3] if rows.passage_rows else None
        spots += [_spot(item, front) for item in _first_row_spots(
            usable, blocks, rows.first[1] - rules.row_spacing)]
    spots += [_spot(item) for item in _aisle_end_spots(usable, plan, rows)]
    return spots + _wall_aisle_spots(usable, plan, blocks, rows, rules)


def _aisle_end_spots(usable: Polygon, plan: Plan, rows: Rows) -> list[Item]:
    """Spaces turned across the front end of a wall aisle, against the front wall, where the
    front gap is deeper than a space: they take no chair, and the aisle behind them leads
    to them. Not where the floor goes on beyond the front: the space would stand in the
    way from the rows to the rest of the room; and, where aisles between blocks reach a door
    only through the passage in front of the rows, at one wall aisle at most, so that the
    passage still leads to the floor beyond the front or to the other wall aisle."""
    minx, _, maxx, maxy = usable.bounds
    highest = maxy - SPACE.width / 2 - 0.01
    lowest = rows.first[1] + SPACE.width / 2 + 0.01
    if highest < lowest - 1e-9:
        return []
    xs = ([minx + SPACE.depth / 2 + 0.01] if plan.left_aisle else []) + (
        [maxx - SPACE.depth / 2 - 0.01] if plan.right_aisle else [])
    if plan.blocks > 1 and not plan.back_passage and not rows.beyond_front:
        xs = xs[1:]
    spots = []
    for x in xs:
        if any(a < x + SPACE.depth / 2 and x - SPACE.depth / 2 < b for a, b in rows.beyond_front):
            continue
        spot = _first_covered(usable, [Item("wheelchair_space", round(x, 3), round(y, 3), 90.0)
                                       for y in _downwards(highest, lowest)])
        if spot is not None:
            spots.append(spot)
    return spots


def _wall_aisle_spots(usable: Polygon, plan: Plan, blocks: list[Block], rows: Rows,
                      rules: RulePack) -> list[Spot]:
    """Upright spaces against the wall of a wall aisle (without a bay), from the front down.

    Each claims, beside it, the floor the aisle needs for the people of all the rows, so the
    rows it stands beside give up only the chairs at their aisle end that are in the way:
    one where the aisle has room to spare, where a bay would cost every row a chair. They
    stand in front of the first row only against a front wall too close for a passage.
    """
    if plan.bay:
        return []
    minx, _, maxx, maxy = usable.bounds
    bands = rows.bands
    spots: list[Spot] = []
    for side, wall_aisle, block in (("left", plan.left_aisle, blocks[0]),
                                    ("right", plan.right_aisle, blocks[-1])):
        if not wall_aisle:
            continue
        share = persons_per_end(block.units, block.left_open + block.right_open)
        need = max(rules.aisle_min_width,
                   rules.aisle_width_per_person * share * len(bands)) + SLACK
        reach = SPACE.width + 0.01 + need
        x = minx + SPACE.width / 2 + 0.01 if side == "left" else maxx - SPACE.width / 2 - 0.01
        x0, x1 = (minx, minx + reach) if side == "left" else (maxx - reach, maxx)
        walled = not any(a < x1 and x0 < b for a, b in rows.beyond_front)
        top = maxy - 0.01 if walled and maxy - rows.first[1] < ROUTE else rows.first[1]
        for item in _walk(usable, top - SPACE.depth / 2,
                          bands[-1][0] + SPACE.depth / 2, SPACE.depth,
                          lambda y, x=x: Item("wheelchair_space", round(x, 3), round(y, 3))):
            spots.append((item, (x0, item.y - SPACE.depth / 2 - 0.01, x1,
                                 item.y + SPACE.depth / 2 + 0.01)))
    return spots


def _bay_spots(usable: Polygon, plan: Plan, bands: list[tuple[float, float]]) -> list[Item]:
    """Spaces side by side along the wall of the bay, from the front down past the rows."""
    if not plan.bay:
        return []
    minx, _, maxx, maxy = usable.bounds
    x = minx + SPACE.width / 2 + 0.01 if plan.bay == "left" else maxx - SPACE.width / 2 - 0.01
    return _walk(usable, maxy - SPACE.depth / 2 - 0.01, bands[-1][0] + SPACE.depth / 2,
                 SPACE.depth, lambda y: Item("wheelchair_space", round(x, 3), round(y, 3)))


def _front_wall_spots(usable: Polygon) -> list[Item]:
    """Spaces side by side against the front wall, from the middle out to both sides."""
    minx, _, maxx, maxy = usable.bounds
    y = round(maxy - SPACE.width / 2 - 0.01, 3)
    middle = (minx + maxx) / 2

    def space(x: float) -> Item:
        return Item("wheelchair_space", round(x, 3), y, 90.0)

    right = _walk(usable, middle, maxx - SPACE.depth / 2, SPACE.depth, space)
    left = _walk(usable, middle - SPACE.depth - 0.05, minx + SPACE.depth / 2, SPACE.depth,
                 space)
    return [spot for pair in zip(right, left, strict=False) for spot in pair] + (
        right[len(left):] + left[len(right):])


def _walk(usable: Polygon, start: float, stop: float, length: float,
          make: Callable[[float], Item]) -> list[Item]:
    """Spots one after the other from ``start`` towards ``stop``: the next one a space's
    length on where it stands on usable floor, 10 cm on where it does not."""
    step = 1.0 if stop >= start else -1.0
    spots = []
    at = start
    while (stop - at) * step >= -1e-9:
        spot = make(at)
        if _stands_on(usable, spot):
            spots.append(spot)
            at += step * (length + 0.05)
        else:
            at += step * 0.1
    return spots


def _first_row_spots(usable: Polygon, blocks: list[Block],
                     second_row_top: float) -> list[Item]:
    """Spaces in the first row, their front on the passage, clear of the second row: at the
    wall end of a block that has its aisle at the other end, or in the middle of a block
    between two aisles (each half then keeps one aisle). Upright spaces take two chairs,
    turned ones three; a space slides back from the passage where a door zone is in its way.
    """
    highest = usable.bounds[3] - ROUTE - 0.01
    spots = []
    for rotation, along, deep in ((0.0, SPACE.width, SPACE.depth),
                                  (90.0, SPACE.depth, SPACE.width)):
        lowest = second_row_top + deep
        if highest < lowest - 1e-9:
            continue
        for x in _runs(blocks, along):
            spot = _first_covered(usable, [Item("wheelchair_space", round(x, 3),
                                                round(top - deep / 2, 3), rotation)
                                           for top in _downwards(highest, lowest)])
            if spot is not None:
                spots.append(spot)
    return spots


def _runs(blocks: list[Block], along: float) -> list[float]:
    """Centres of spaces side by side in each block, from its wall end or its middle."""
    centres = []
    for block in blocks:
        end = block.start + block.units * CHAIR.width
        fits = int(block.units * CHAIR.width / along + 1e-9)
        if block.left_open and block.right_open:
            middle = (block.start + end) / 2
            run = [middle + k * along for k in sorted(range(-fits, fits + 1), key=abs)]
        elif block.right_open:
            run = [block.start + along * (k + 0.5) for k in range(fits)]
        else:
            run = [end - along * (k + 0.5) for k in range(fits)]
        centres += [x for x in run
                    if block.start - 1e-9 <= x - along / 2 and x + along / 2 <= end + 1e-9]
    return centres


def _downwards(highest: float, lowest: float) -> list[float]:
    count = int((highest - lowest) / 0.05 + 1e-9)
    return [highest - 0.05 * k for k in range(count + 1)] + [lowest]


def _first_covered(usable: Polygon, spots: list[Item]) -> Item | None:
    return next((spot for spot in spots if _stands_on(usable, spot)), None)


def _stands_on(usable: Polygon, item: Item) -> bool:
    """Whether an item square to the frame stands wholly on the usable floor."""
    half_x, half_y = _half_sizes(item)
    return usable.covers(shapely.box(item.x - half_x, item.y - half_y, item.x + half_x,
                                     item.y + half_y))


def chair_bound(usable: Polygon, plan: Plan, rules: RulePack, rows: Rows,
                memo: dict | None = None, exits: Polygon | None = None) -> int:
    """More chairs than ``build`` can ever make of the plan (0 if it cannot work): spaces
    only ever take the floor of chairs or add to it. With ``exits`` (``_ways_in`` of a
    rectangle of floor, in its frame), 0 too where a wall aisle leads nowhere (see
    ``_aisles_reach_doors``)."""
    blocks = plan_blocks(usable, plan, rows, rules, memo)
    if blocks is None:
        return 0
    crossing = _cross_passage(usable, rows)
    if (len(blocks) > 1 and not crossing) or not _aisles_pass(usable, blocks, rows) or (
            exits is not None and not crossing and not plan.stepped
            and not _aisles_reach_doors(usable, blocks, exits)):
        return 0
    return _seat_count(blocks, rows)


def _aisles_reach_doors(usable: Polygon, blocks: list[Block], exits: Polygon) -> bool:
    """Whether each wall aisle of a rectangle without a cross passage has a way in beside
    it (a door zone, or the floor beyond the rectangle, within a route's width): otherwise
    the only way to its row ends would be the legroom between rows, too narrow for a
    route: every row that reaches the aisle (in a whole rectangle of floor, all bar a row
    kept clear of the way to the floor beyond) would be cut off, far more than the tenth of
    its places that pruning gives up."""
    minx, miny, maxx, maxy = usable.bounds
    aisles = []
    if blocks[0].left_open:
        aisles.append((minx, blocks[0].start))
    if blocks[-1].right_open:
        aisles.append((blocks[-1].start + blocks[-1].units * CHAIR.width, maxx))
    return all(shapely.distance(box(x0, miny, x1, maxy), exits) <= ROUTE
               for x0, x1 in aisles)


def _aisles_pass(usable: Polygon, blocks: list[Block], rows: Rows) -> bool:
    """Whether a route's width of open floor runs along every aisle in every row where the
    room reaches across it: a pillar standing in an aisle cuts the rows behind it off."""
    minx, _, maxx, _ = usable.bounds
    ends = [(block.start, block.start + block.units * CHAIR.width) for block in blocks]
    aisles = [(a_end, b_start) for (_, a_end), (b_start, _) in itertools.pairwise(ends)]
    if blocks[0].left_open:
        aisles.append((minx, ends[0][0]))
    if blocks[-1].right_open:
        aisles.append((ends[-1][1], maxx))
    return all(any(min(x1, b) - max(x0, a) >= ROUTE for a, b in spans)
               for spans in set(rows.open_spans) if spans for x0, x1 in aisles
               if spans[0][0] <= x0 and x1 <= spans[-1][1])


@dataclass(frozen=True)
class Survey:
    """A floor's plans, each with ``rough_bound`` (worked out for every plan, cheaply), and
    the rows for each front gap; ``chair_bound`` and the seating of a plan are worked out
    only when asked for, once. Chairs do not depend on the rule pack's wheelchair table, so
    one survey serves every table ``best_by_parts`` asks a part to hold spaces for."""

    usable: Polygon
    floor: Polygon | None
    rough: tuple[tuple[int, Plan], ...]
    rules: RulePack
    rows: dict[tuple[float, bool, bool], Rows] = field(default_factory=dict, compare=False)
    seatings: dict[Plan, Seating | None] = field(default_factory=dict, compare=False)
    bounds: dict[Plan, int] = field(default_factory=dict, compare=False)
    units: dict = field(default_factory=dict, compare=False)
    alike: dict[tuple, Seating | None] = field(default_factory=dict, compare=False)
    exits: Polygon | None = field(default=None, compare=False)

    def rows_of(self, plan: Plan) -> Rows:
        """The rows the plan stands in, worked out once per front gap (the floor free in
        each row takes polygon operations; the rough bounds need only how many rows)."""
        key = (plan.front_gap, plan.back_passage, plan.stepped)
        if key not in self.rows:
            pitch = self.rules.row_spacing
            if plan.stepped and self.floor is not None:
                plain = self.rows_of(replace(plan, stepped=False))
                self.rows[key] = with_passage_rows(plain, self.usable, self.floor,
                                                   plan.front_gap, pitch)
            else:
                self.rows[key] = rows_for(self.usable, plan.front_gap, pitch,
                                          plan.back_passage, self.floor)
        return self.rows[key]

    def bound_of(self, plan: Plan) -> int:
        """The plan's ``chair_bound``, worked out once."""
        if plan not in self.bounds:
            self.bounds[plan] = chair_bound(self.usable, plan, self.rules, self.rows_of(plan),
                                            self.units, self.exits)
        return self.bounds[plan]

    @property
    def chairs(self) -> tuple[tuple[int, Plan], ...]:
        """Every plan that seats anyone, with its ``chair_bound`` (each worked out)."""
        return tuple((count, plan) for _, plan in self.rough
                     if (count := self.bound_of(plan)))

    def seating_of(self, plan: Plan, rules: RulePack) -> Seating | None:
        """The plan's seating, worked out once for every wheelchair table asked about, and
        once for plans that differ only in what leaves their blocks where they are (the
        slack where there is none, a turning circle the aisles already hold): the very
        same seating, which ``best_first`` builds once."""
        if plan not in self.seatings:
            rows = self.rows_of(plan)
            blocks = plan_blocks(self.usable, plan, rows, self.rules, self.units)
            alike = None if blocks is None else (
                plan.front_gap, plan.back_passage, plan.stepped, plan.bay, plan.left_aisle,
                plan.right_aisle, tuple(blocks))
            if alike is None:
                self.seatings[plan] = None
            elif alike in self.alike:
                self.seatings[plan] = self.alike[alike]
            else:
                self.seatings[plan] = self.alike[alike] = seating(
                    self.usable, plan, rules, rows, self.units)
        return self.seatings[plan]


@dataclass(frozen=True)
class Surroundings:
    """The room around the floor being planned, in its frame: where people may walk (door
    zones included), and the door zones."""

    floor: Polygon
    exits: Polygon


def survey(usable: Polygon, rules: RulePack, front_gaps: tuple[float, ...] = FRONT_GAPS,
           around: Surroundings | None = None) -> Survey:
    """The plans of the front gaps on a usable floor, with the chairs each could seat at
    most; rows stand in the front passage only where it leads on to a door."""
    minx, miny, maxx, maxy = usable.bounds
    shapely.prepare(usable)
    floor = around.floor if around else None
    stepping = _door_beyond_front(usable, around) and floor is not None
    beyond = bool(free_spans(floor, maxy, maxy + 0.2)) if stepping else False
    counts: dict[tuple[float, bool, bool], int] = {}
    crossing: dict[tuple[float, bool], bool] = {}
    # On a floor far from its bounding box (an L), the free floor of each row bounds the
    # plans much better than the width of the box: work it out (the survey keeps it).
    known: dict[tuple[float, bool, bool], Rows] = {}
    room_in_rows: dict[tuple[float, bool], tuple[int, ...]] = {}
    irregular = usable.area < IRREGULAR * (maxx - minx) * (maxy - miny)
    for gap, back in itertools.product(front_gaps, (False, True)):
        bands = row_bands(usable, gap, rules.row_spacing, back)
        counts[gap, back, False] = len(bands)
        if irregular and bands:
            known[gap, back, False] = rows_for(usable, gap, rules.row_spacing, back, floor)
            room_in_rows[gap, back] = tuple(
                sum(math.floor((b - a) / CHAIR.width + 1e-9) for a, b in spans)
                for spans in known[gap, back, False].spans)
        # As ``_cross_passage`` finds (rows in the front passage leave it as it was).
        crossing[gap, back] = bool(bands) and (maxy - bands[0][1] >= ROUTE
                                               or bands[-1][0] - miny >= ROUTE)
        if beyond and bands and gap >= ROUTE:
            # As many more as ``with_passage_rows`` puts in the front passage.
            counts[gap, back, True] = len(bands) + len(
                _passage_bands(bands[0][1], maxy, rules.row_spacing))
    rough = []
    roughs: dict[tuple[bool, bool, int, bool, bool, int], int] = {}
    for plan in plans(maxx - minx, maxy - miny, rules, front_gaps, stepping):
        bands = counts.get((plan.front_gap, plan.back_passage, plan.stepped), 0)
        if plan.stepped and bands == counts[plan.front_gap, plan.back_passage, False]:
            continue
        if plan.blocks > 1 and not crossing[plan.front_gap, plan.back_passage]:
            continue
        narrowed = None if plan.stepped else room_in_rows.get(
            (plan.front_gap, plan.back_passage))
        key = (plan.left_aisle, plan.right_aisle, plan.blocks, bool(plan.bay), plan.turning,
               bands, narrowed)
        if key not in roughs:
            roughs[key] = rough_bound(plan, maxx - minx, bands, rules, narrowed)
        if roughs[key]:
            rough.append((roughs[key], plan))
    return Survey(usable, floor, tuple(rough), rules, known, exits=_ways_in(usable, around))


def _ways_in(usable: Polygon, around: Surroundings | None) -> Polygon | None:
    """Where a route comes from to the aisles of a floor that is a whole rectangle of the
    room's walkable floor (a plain room, or one arm of an L): the door zones, and the
    walkable floor beyond the floor's box (the other arm). None where the box holds a
    pillar or a corner of the room: a route may then come round by floor the plan does
    not know."""
    if around is None:
        return None
    minx, miny, maxx, maxy = usable.bounds
    area = box(minx, miny, maxx, maxy)
    if around.floor.intersection(area).area < RECTANGULAR * area.area:
        return None
    return shapely.union(around.exits, around.floor.difference(area.buffer(
        BEYOND, join_style="mitre")))


RECTANGULAR = 0.999
# Floor this far out of a rectangle's box is beyond it (its wall gap is nearer).
BEYOND = 0.3


# A floor with less than this share of its bounding box is bounded row by row.
IRREGULAR = 0.9


def rough_bound(plan: Plan, width: float, rows: int, rules: RulePack,
                room_in_rows: tuple[int, ...] | None = None) -> int:
    """No fewer chairs than ``chair_bound``, from the plan's choices alone: each row holds
    at most its blocks' caps, and beside its chairs the aisles the plan has, each at
    least the rule's width, together at least the width per person of every seat of the
    rows (each seat relies on an aisle), the bay and the turning circle added; and, where
    ``room_in_rows`` gives how many chairs the free floor of each row holds side by side,
    no more than that in the row."""
    opens = _opens(plan)
    if not rows or any(not left and not right for left, right in opens):
        return 0
    caps = sum((rules.max_row_seats_two_aisles if left and right
                else rules.max_row_seats_one_aisle) for left, right in opens)
    aisles = plan.blocks - 1 + plan.left_aisle + plan.right_aisle
    room = width - aisles * SLACK - (BAY if plan.bay else 0.0) + 1e-9
    # A bay's aisle already holds the turning circle.
    turning = max(0.0, TURNING - SLACK - rules.aisle_min_width) if (
        plan.turning and aisles and not plan.bay) else 0.0
    by_minimum = (room - turning - aisles * rules.aisle_min_width) / CHAIR.width
    by_people = room / (CHAIR.width + rules.aisle_width_per_person * rows)
    seats = min(caps, math.floor(by_minimum), math.floor(by_people))
    if seats < plan.blocks:
        return 0
    return seats * rows if room_in_rows is None else sum(min(seats, n) for n in room_in_rows)


def _door_beyond_front(usable: Polygon, around: Surroundings | None) -> bool:
    """Whether the open floor beyond the front of this floor (another part of the room)
    has a door: rows in the passage would otherwise cut the aisles off from the side
    walls' doors, with no other way out."""
    if around is None:
        return False
    minx, _, maxx, maxy = around.floor.bounds
    beyond = around.floor.intersection(box(minx - 1, usable.bounds[3], maxx + 1, maxy + 1))
    return beyond.intersects(around.exits)


def best_first(surveys: list[Survey], rules: RulePack) -> Iterator[tuple[int, list[Item]]]:
    """Built plans of each surveyed floor (one per orientation), most places first, as
    (index of the floor, items in its frame).

    A plan is built only once its bound (its chairs and the spaces they ask for) is the
    highest left, so a caller that stops as soon as what it has beats the next bound
    builds a few plans, not thousands.
    """
    for index, items, _ in ranked(surveys, rules):
        yield index, items


def rough_ceiling(surveys: list[Survey], rules: RulePack) -> int:
    """No fewer places than any plan of these surveys holds: the highest rough bound, with
    the spaces its chairs ask for."""
    return max((count + rules.wheelchair_spaces_required(count)
                for found in surveys for count, _ in found.rough), default=0)


def ranked(surveys: list[Survey], rules: RulePack, share: float = 1.0,
           progress: bool = False) -> Iterator[tuple[int, list[Item], int]]:
    """``best_first``, each plan with the most places any plan after it can hold. With a
    ``share`` under 1, a built plan comes as soon as it holds that share of the highest
    bound left: many plans of a room have a bound a few places above what they hold once
    their spaces take chairs, and all of them would be built first. With ``progress``,
    each time the highest bound left falls, (-1, [], that bound) comes too, so that a
    caller may turn to other candidates in the meantime."""
    heap: list[tuple[int, int, int, int, Plan, Chosen | None]] = [
        (-(count + rules.wheelchair_spaces_required(count)), ROUGH, index, order, plan, None)
        for index, found in enumerate(surveys) for order, (count, plan) in enumerate(found.rough)]
    heapq.heapify(heap)
    tie = len(heap)
    built: set[tuple[int, int]] = set()
    # Built plans waiting for their share of the highest bound left (with a share under 1).
    ready: list[tuple[int, int, int, Plan, Chosen]] = []

    def highest() -> int:
        return max(-heap[0][0] if heap else 0, -ready[0][0] if ready else 0)

    last = highest()
    while heap or ready:
        if ready and -ready[0][0] >= share * (-heap[0][0] if heap else 0):
            _, _, index, plan, chosen = heapq.heappop(ready)
            yield index, _items(surveys[index].seating_of(plan, rules), chosen), highest()
            continue
        if progress and highest() < last:
            last = highest()
            yield -1, [], last
        _, stage, index, order, plan, chosen = heapq.heappop(heap)
        if stage == ROUGH:
            # The rough bound is the highest left: work out the plan's own, and queue it.
            if count := surveys[index].bound_of(plan):
                heapq.heappush(heap, (-(count + rules.wheelchair_spaces_required(count)),
                                      BOUNDED, index, order, plan, None))
            continue
        laid = surveys[index].seating_of(plan, rules)
        if laid is None:
            continue
        if chosen is not None:
            yield index, _items(laid, chosen), highest()
            continue
        if (index, id(laid)) in built:
            continue
        built.add((index, id(laid)))
        chosen = _with_spaces(laid, rules)
        if chosen is not None and (exact := _place_count(laid, chosen)):
            tie += 1
            if share < 1.0:
                heapq.heappush(ready, (-exact, tie, index, plan, chosen))
            else:
                heapq.heappush(heap, (-exact, BOUNDED, index, tie, plan, chosen))


# What a plan in ``best_first``'s queue is known by: its rough bound, or its chair bound
# (and then its places with spaces). Of two alike, the one known better comes first.
BOUNDED, ROUGH = 0, 1


def parts(outline: Polygon, usable: Polygon) -> list[Polygon]:
    """The usable floor cut into slabs where the outline turns, neighbouring slabs of the
    same extent merged: the two arms of an L, the three bars of a U. A rectangle is one part.
    """
    minx, _, maxx, _ = outline.bounds
    heights = sorted({round(y, 6) for _, y in outline.exterior.coords})
    slabs: list[tuple[tuple[tuple[float, float], ...], float, float]] = []
    for y0, y1 in itertools.pairwise(heights):
        inside = outline.intersection(box(minx - 1, y0, maxx + 1, y1))
        extent = tuple(sorted((round(piece.bounds[0], 6), round(piece.bounds[2], 6))
                              for piece in getattr(inside, "geoms", [inside])
                              if piece.area > 1e-6))
        if slabs and slabs[-1][0] == extent:
            slabs[-1] = (extent, slabs[-1][1], y1)
        else:
            slabs.append((extent, y0, y1))
    pieces = []
    for extent, y0, y1 in slabs:
        for x0, x1 in extent:
            piece = usable.intersection(box(x0 - 1e-6, y0, x1 + 1e-6, y1))
            pieces += [p for p in getattr(piece, "geoms", [piece])
                       if isinstance(p, Polygon) and p.area > 1.0]
    return pieces


def part_surveys(floors: list[list[Polygon]], rules: RulePack,
                 front_gaps: tuple[float, ...] = FRONT_GAPS,
                 around: list[Surroundings] | None = None) -> list[tuple[int, list[Survey]]]:
    """The surveys of the parts of each floor cut into two or three, by its index."""
    return [(index, [survey(piece, rules, front_gaps, around[index] if around else None)
                     for piece in pieces])
            for index, pieces in enumerate(floors) if 1 < len(pieces) <= 3]


def parts_ceiling(surveyed: list[tuple[int, list[Survey]]], rules: RulePack) -> int:
    """No fewer places than any plans of the parts put together hold (``best_by_parts``),
    from the rough bounds alone: each part seats at most its highest, and the spaces,
    however the parts share them, are never more than all those seats ask for."""
    ceiling = 0
    for _, surveys in surveyed:
        seats = sum(max((count for count, _ in found.rough), default=0) for found in surveys)
        ceiling = max(ceiling, seats + rules.wheelchair_spaces_required(seats))
    return ceiling


def best_by_parts(floors: list[list[Polygon]], rules: RulePack,
                  front_gaps: tuple[float, ...] = FRONT_GAPS, per_part: int = 6,
                  around: list[Surroundings] | None = None,
                  surveyed: list[tuple[int, list[Survey]]] | None = None
                  ) -> Iterator[tuple[int, list[Item]]]:
    """For each floor cut into parts, the best plans of each part put together, most places
    first, as (index of the floor, items in its frame). One part, each in turn, holds the
    wheelchair spaces that the seats of all the parts need; or two parts share them, where
    each has floor for some of them that costs few chairs (``surveyed``: the parts'
    surveys, if already made)."""
    combined: list[tuple[int, int, list[Item]]] = []
    if surveyed is None:
        surveyed = part_surveys(floors, rules, front_gaps, around)
    for index, surveys in surveyed:
        pieces = floors[index]
        bare = [_tops(found, replace(rules, wheelchair_spaces=NO_SPACES), per_part)
                for found in surveys]
        choices = []
        for host, found in enumerate(surveys):
            others = sum(_seats(tops[0]) for n, tops in enumerate(bare) if n != host and tops)
            hosting = _tops(found, _spaces_for_more(rules, others), per_part)
            choices.append([*bare[:host], hosting, *bare[host + 1:]])
        needed = rules.wheelchair_spaces_required(sum(_seats(tops[0]) for tops in bare if tops))
        holding: dict[tuple[int, int], list[list[Item]]] = {}
        for (first, second), share in itertools.product(
                itertools.combinations(range(len(pieces)), 2), range(1, needed)):
            for host, count in ((first, share), (second, needed - share)):
                if (host, count) not in holding:
                    holding[host, count] = _tops(surveys[host], replace(
                        rules, wheelchair_spaces=((0, 10**9, count),)), per_part)
            tops = list(bare)
            tops[first], tops[second] = holding[first, share], holding[second, needed - share]
            choices.append(tops)
        for tops in choices:
            for choice in itertools.product(*tops):
                # Spaces first, as in a plan of one part: trimming to a target keeps them.
                items = sorted((item for part in choice for item in part),
                               key=lambda item: item.kind != "wheelchair_space")
                combined.append((sum(item.furniture.places for item in items), index, items))
    combined.sort(key=lambda entry: -entry[0])
    for _, index, items in combined:
        yield index, items


NO_SPACES = ((0, 10**9, 0),)


def _spaces_for_more(rules: RulePack, seats: int) -> RulePack:
    """The pack with its wheelchair table moved so a part asks for the spaces that its own
    seats and ``seats`` more need together."""
    return replace(rules, wheelchair_spaces=tuple((low - seats, high - seats, needed)
                                                  for low, high, needed in rules.wheelchair_spaces))


def _tops(found: Survey, rules: RulePack, count: int) -> list[list[Item]]:
    return [items for _, items in itertools.islice(best_first([found], rules), count)]


def _seats(items: list[Item]) -> int:
    return sum(1 for item in items if item.furniture.is_seat)
