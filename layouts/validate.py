"""Is a layout safe in its room? Every violation names its items and has a code.

Collisions use an STRtree over the footprints and prepared geometries for the
room, so a layout of a thousand items is checked in a fraction of a second.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import unary_union
from shapely.strtree import STRtree

from layouts.aisles import AisleEnd, aisle_width_violations, persons_per_end
from layouts.layout import Item, Layout, footprint, footprints, front_zone, rotated_boxes
from layouts.room import Door, RoomShape
from layouts.rulepacks import RulePack

TOLERANCE = 0.005
DOOR_ZONE_DEPTH = 1.0
ROUTE_WIDTH = 0.9
TURNING_DIAMETER = 1.5
ROW_GAP = 0.15
ROW_LINE_TOLERANCE = 0.1


@dataclass(frozen=True)
class Violation:
    """One problem with a layout."""

    code: str
    message: str
    items: tuple[int, ...] = ()
    severity: Literal["error", "warning"] = "error"


def door_zone(room: RoomShape, door: Door) -> Polygon:
    """The clear zone inside a door: its width, 1.0 m deep into the room."""
    zone = door.segment.buffer(DOOR_ZONE_DEPTH, cap_style="flat")
    inside = zone.intersection(room.outline)
    return inside if isinstance(inside, Polygon) else inside.convex_hull.intersection(room.outline)


def validate_layout(room: RoomShape, layout: Layout, rules: RulePack) -> list[Violation]:
    """Every violation of the layout in the room, errors and warnings."""
    items = list(layout.items)
    if not items:
        return _free_floor_checks(room, [], [], rules)
    shapes = [footprint(item) for item in items]
    violations = (
        _placement(room, shapes)
        + _rows(room, items, shapes, rules)
        + _too_far(room, items, rules)
    )
    return violations + _free_floor_checks(room, items, shapes, rules)


def placement_violations(room: RoomShape, layout: Layout) -> list[Violation]:
    """The violations of where the items stand, which ``validate_layout`` finds first:
    outside the room, on an obstacle, overlapping, in a door's clear zone. Cheap (no
    rows, no free floor): a layout with any of them is invalid whatever else it has."""
    return _placement(room, list(footprints(list(layout.items))))


def _placement(room: RoomShape, shapes: list[Polygon]) -> list[Violation]:
    if not shapes:
        return []
    return (_outside(room, shapes) + _on_obstacles(room, shapes) + _overlaps(shapes)
            + _blocking_exits(room, shapes))


def _outside(room: RoomShape, shapes: list[Polygon]) -> list[Violation]:
    area = room.outline.buffer(TOLERANCE)
    shapely.prepare(area)
    inside = shapely.covers(area, shapes)
    return [Violation("item_outside_room", f"Item {i} is not wholly inside the room.", (i,))
            for i, within in enumerate(inside.tolist()) if not within]


def _on_obstacles(room: RoomShape, shapes: list[Polygon]) -> list[Violation]:
    if not room.obstacles:
        return []
    tree = STRtree(room.obstacles)
    hits = tree.query(shapes, predicate="intersects")
    found = sorted({int(i) for i, o in zip(*hits, strict=True)
                    if shapes[i].intersection(room.obstacles[o]).area > 1e-4})
    return [Violation("on_obstacle", f"Item {i} stands on a pillar or fixed obstacle.", (i,))
            for i in found]


def _overlaps(shapes: list[Polygon]) -> list[Violation]:
    tree = STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    pairs = [(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b]
    if not pairs:
        return []
    areas = shapely.area(shapely.intersection([shapes[a] for a, _ in pairs],
                                              [shapes[b] for _, b in pairs])).tolist()
    return [Violation("items_overlap", f"Items {a} and {b} overlap.", (a, b))
            for (a, b), area in zip(pairs, areas, strict=True) if area > 1e-4]


def _blocking_exits(room: RoomShape, shapes: list[Polygon]) -> list[Violation]:
    tree = STRtree(shapes)
    violations = []
    for number, door in enumerate(room.doors):
        zone = door_zone(room, door)
        hits = [int(i) for i in tree.query(zone, predicate="intersects")
                if shapes[i].intersection(zone).area > 1e-4]
        if hits:
            violations.append(Violation(
                "blocks_exit",
                f"Items {', '.join(map(str, sorted(hits)))} stand in the clear zone of door "
                f"{number} ({door.width:g} m wide, 1 m deep).", tuple(sorted(hits))))
    return violations


def _rows(room: RoomShape, items: list[Item], shapes: list[Polygon],
          rules: RulePack) -> list[Violation]:
    """Rows of chairs: seats per row between aisles, aisle widths, spacing back to back."""
    rows = _group_rows(items, shapes)
    obstacles = STRtree(shapes + list(room.obstacles))
    violations = []
    ends: list[AisleEnd] = []
    for (angle, _offset), members in rows.items():
        for block in _blocks(items, members, angle):
            if len(block) > 1:
                found, open_ends = _check_block(room, items, block, angle, obstacles, rules)
                violations += found
                ends += open_ends
    violations += _aisle_widths(room, ends, obstacles, rules)
    violations += _row_spacing(items, rows, rules)
    return violations


def _aisle_widths(room: RoomShape, ends: list[AisleEnd], obstacles: STRtree,
                  rules: RulePack) -> list[Violation]:
    """Aisles narrower than the rule pack asks for the people who rely on them."""
    return [Violation("aisle_too_narrow",
                      f"The aisle beside items {', '.join(map(str, chairs[:20]))} is "
                      f"{width:.2f} m wide; the {people} people who rely on it need "
                      f"{needed:.2f} m.", chairs)
            for chairs, width, needed, people
            in aisle_width_violations(room, ends, obstacles, rules)]


def _axis(angle: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return math.cos(radians), math.sin(radians)


def _group_rows(items: list[Item], shapes: list[Polygon]) -> dict[tuple[int, float], list[int]]:
    """Free-standing chairs grouped by orientation and line (chairs at tables are not rows).

    Chairs whose lines lie within ``ROW_LINE_TOLERANCE`` of the previous chair's share a
    row, so coordinates on either side of a rounding boundary do not split it.
    """
    at_tables = chairs_at_tables(items, shapes)
    lines: list[tuple[int, float, int]] = []
    for index, item in enumerate(items):
        if item.furniture.is_seat and item.kind != "armchair" and index not in at_tables:
            angle = round(item.rotation) % 360
            ux, uy = _axis(angle)
            lines.append((angle, -uy * item.x + ux * item.y, index))
    rows: dict[tuple[int, float], list[int]] = {}
    key: tuple[int, float] | None = None
    previous: tuple[int, float] | None = None
    for angle, offset, index in sorted(lines):
        if previous is None or angle != previous[0] or offset - previous[1] > ROW_LINE_TOLERANCE:
            key = (angle, round(offset, 3))
            rows[key] = []
        rows[key].append(index)
        previous = (angle, offset)
    return {key: members for key, members in rows.items() if len(members) > 1}


def _blocks(items: list[Item], members: list[int], angle: float) -> list[list[int]]:
    """Chairs of one row, split where a gap opens between them."""
    ux, uy = _axis(angle)
    ordered = sorted(members, key=lambda i: ux * items[i].x + uy * items[i].y)
    blocks = [[ordered[0]]]
    for previous, current in pairwise(ordered):
        dx, dy = items[current].x - items[previous].x, items[current].y - items[previous].y
        step = ux * dx + uy * dy
        half = (items[current].furniture.width + items[previous].furniture.width) / 2
        if step - half > ROW_GAP:
            blocks.append([current])
        else:
            blocks[-1].append(current)
    return blocks


def _check_block(room: RoomShape, items: list[Item], block: list[int], angle: float,
                 obstacles: STRtree, rules: RulePack) -> tuple[list[Violation], list[AisleEnd]]:
    """The block's row-length violations, and its ends that open on an aisle."""
    sides = [(index, side) for index, side in ((block[0], -1), (block[-1], +1))
             if _end_is_aisle(room, items, index, angle, side, obstacles, rules)]
    if (found := _row_length(block, len(sides), rules)) is not None:
        return [found], []
    persons = persons_per_end(len(block), len(sides))
    return [], [_aisle_end(items[index], index, angle, side, persons) for index, side in sides]


def _row_length(block: list[int], aisles: int, rules: RulePack) -> Violation | None:
    """A block with no aisle at either end, or more seats than its aisles allow."""
    limit = {2: rules.max_row_seats_two_aisles, 1: rules.max_row_seats_one_aisle}.get(aisles, 0)
    if aisles == 0:
        return Violation("aisle_too_narrow",
                         f"The row of items {block[0]}-{block[-1]} has no aisle at either end "
                         f"(at least {rules.aisle_min_width:g} m needed).", tuple(block))
    if len(block) > limit:
        return Violation("row_too_long",
                         f"A row of {len(block)} seats with {aisles} aisle(s); at most {limit} "
                         "are allowed.", tuple(block))
    return None


def _aisle_end(item: Item, index: int, angle: float, side: int, persons: int) -> AisleEnd:
    ux, uy = _axis(angle)
    half = item.furniture.width / 2
    return AisleEnd(index, (item.x + side * ux * half, item.y + side * uy * half),
                    (side * ux, side * uy), item.furniture.depth - 0.1, persons)


def _end_is_aisle(room: RoomShape, items: list[Item], index: int, angle: float, side: int,
                  obstacles: STRtree, rules: RulePack) -> bool:
    probe = _aisle_probe(items[index], angle, side, rules)
    if not room.outline.buffer(TOLERANCE).covers(probe):
        return False
    return not any(True for _ in obstacles.query(probe, predicate="intersects"))


def _aisle_probe(item: Item, angle: float, side: int, rules: RulePack) -> Polygon:
    """The floor beside a row's end chair that must be free for that end to open on an
    aisle: the rule's aisle width, nearly the chair's depth."""
    ux, uy = _axis(angle)
    half = item.furniture.width / 2
    start = (item.x + side * ux * (half + 0.01), item.y + side * uy * (half + 0.01))
    reach = side * rules.aisle_min_width
    end = (start[0] + ux * reach, start[1] + uy * reach)
    return LineString([start, end]).buffer(item.furniture.depth / 2 - 0.05, cap_style="flat")


def _row_spacing(items: list[Item], rows: dict[tuple[int, float], list[int]],
                 rules: RulePack) -> list[Violation]:
    by_angle: dict[int, list[tuple[float, list[int]]]] = defaultdict(list)
    for (angle, offset), members in rows.items():
        by_angle[angle].append((offset, members))
    violations = []
    for lines in by_angle.values():
        lines.sort()
        for (first, a), (second, b) in pairwise(lines):
            if not _rows_face(items, a, b):
                continue
            if second - first < rules.row_spacing - 0.01:
                violations.append(Violation(
                    "aisle_too_narrow",
                    f"Rows are {second - first:.2f} m back to back; at least "
                    f"{rules.row_spacing:g} m is needed.", (a[0], b[0])))
    return violations


def _rows_face(items: list[Item], a: list[int], b: list[int]) -> bool:
    """Whether two parallel rows overlap along their length (they stand one behind the other)."""
    xs_a = [items[i].x for i in a] + [items[i].y for i in a]
    xs_b = [items[i].x for i in b] + [items[i].y for i in b]
    return min(xs_a) <= max(xs_b) and min(xs_b) <= max(xs_a)


def _too_far(room: RoomShape, items: list[Item], rules: RulePack) -> list[Violation]:
    if not room.doors:
        return []
    doors = unary_union([d.segment for d in room.doors])
    far = [i for i, item in enumerate(items)
           if item.furniture.places and doors.distance(Point(item.x, item.y))
           > rules.max_travel_distance]
    if not far:
        return []
    return [Violation("too_far_to_exit",
                      f"{len(far)} places are more than {rules.max_travel_distance:g} m from a "
                      "door.", tuple(far))]


def _free_floor_checks(room: RoomShape, items: list[Item], shapes: list[Polygon],
                       rules: RulePack) -> list[Violation]:
    """Accessible route from the doors, and a turning circle somewhere on the free floor."""
    free = _free_floor(room, shapes)
    violations = []
    if free.buffer(-TURNING_DIAMETER / 2).is_empty:
        violations.append(Violation("no_turning_space",
                                    "There is nowhere a 1.5 m circle of free floor fits."))
    violations += _accessible_route(room, items, shapes, free, rules)
    return violations


def _free_floor(room: RoomShape, shapes: list[Polygon]):
    """The room's floor that neither furniture nor obstacles cover."""
    blocked = unary_union([*shapes, *room.obstacles]) if (shapes or room.obstacles) else None
    return room.outline.difference(blocked) if blocked is not None else room.outline


def _route_centres(room: RoomShape, free):
    """Where the centre line of a 0.9 m wide route from a door can run (None if nowhere)."""
    centres = free.buffer(-ROUTE_WIDTH / 2 + 0.01)
    parts = [p for p in shapely.get_parts(centres) if not p.is_empty]
    reached = [p for p in parts if any(
        p.distance(door.segment) <= ROUTE_WIDTH / 2 + 0.02 for door in room.doors)]
    return unary_union(reached) if reached else None


def exit_plan(room: RoomShape, layout: Layout) -> tuple[list[Polygon], Polygon | None]:
    """What a plan shows of the way out: each door's clear zone, and the free floor a
    0.9 m wide route reaches from the doors (None where no such route leads in)."""
    zones = [door_zone(room, door) for door in room.doors]
    free = _free_floor(room, [footprint(item) for item in layout.items])
    centres = _route_centres(room, free) if room.doors else None
    if centres is None:
        return zones, None
    route = centres.buffer(ROUTE_WIDTH / 2 - 0.01).intersection(free)
    return zones, None if route.is_empty else route


def _accessible_route(room: RoomShape, items: list[Item], shapes: list[Polygon],
                      free, rules: RulePack) -> list[Violation]:
    if not room.doors:
        return [Violation("no_accessible_route", "The room has no door.")]
    route = _route_centres(room, free)
    targets = sorted(route_targets(room, items, shapes, rules))
    if route is None:
        if targets or not items:
            return [Violation("no_accessible_route",
                              "No 0.9 m wide route leads in from any door.")]
        return []
    stranded = [i for i in targets if route.distance(shapes[i]) > ROUTE_WIDTH / 2 + 0.05]
    if not stranded:
        return []
    return [Violation("no_accessible_route",
                      f"No 0.9 m wide route from a door reaches items "
                      f"{', '.join(map(str, stranded[:20]))}.", tuple(stranded))]


def chairs_at_tables(items: list[Item], shapes: list[Polygon]) -> set[int]:
    """Chairs whose front edge meets a table: people sit at the table, not in a row."""
    tables = [shapes[i] for i, item in enumerate(items) if item.furniture.is_table]
    if not tables:
        return set()
    tree = STRtree(tables)
    found = set()
    for index, item in enumerate(items):
        zone = front_zone(item)
        if zone is not None and len(tree.query(zone.buffer(0.05), predicate="intersects")):
            found.add(index)
    return found


def route_targets(room: RoomShape, items: list[Item], shapes: list[Polygon],
                  rules: RulePack) -> set[int]:
    """What a 0.9 m route must reach: wheelchair spaces, the aisle ends of rows, table seats."""
    targets = {i for i, item in enumerate(items) if item.kind == "wheelchair_space"}
    targets |= chairs_at_tables(items, shapes)
    obstacles = STRtree(shapes + list(room.obstacles))
    for (angle, _offset), members in _group_rows(items, shapes).items():
        for block in _blocks(items, members, angle):
            for index, side in ((block[0], -1), (block[-1], +1)):
                if len(block) == 1 or _end_is_aisle(room, items, index, angle, side, obstacles,
                                                    rules):
                    targets.add(index)
    return targets


def _aisle_probes(items: list[Item], ends: list[tuple[int, float, int]],
                  rules: RulePack) -> list[Polygon]:
    """``_aisle_probe`` of each (end chair, angle, side), made in one call."""
    extents = []
    for index, _angle, side in ends:
        kind = items[index].furniture
        near, far = kind.width / 2 + 0.01, kind.width / 2 + 0.01 + rules.aisle_min_width
        across = kind.depth / 2 - 0.05
        extents.append((near, -across, far, across) if side > 0 else (-far, -across, -near,
                                                                       across))
    return list(rotated_boxes([items[i].x for i, _, _ in ends], [items[i].y for i, _, _ in ends],
                              [angle for _, angle, _ in ends], extents))


def route_violations(room: RoomShape, layout: Layout, rules: RulePack) -> list[Violation]:
    """The row-length, row-spacing, turning-space and accessible-route errors
    ``validate_layout`` finds, worked out with the chairs of each piece of row as one
    shape: the same free floor (chairs side by side leave none between them) from a few
    dozen shapes instead of hundreds. A cheap look before a full validation, for layouts
    whose items stand where they may (each of its errors is one the full validation
    finds, bar gaps under ``ROW_GAP`` in a row); aisle widths it leaves to that.
    """
    items = list(layout.items)
    if not items:
        return _free_floor_checks(room, [], [], rules)
    shapes = list(footprints(items))
    pieces, ends, in_rows, singles, blocks = [], [], set(), set(), []
    rows = _group_rows(items, shapes)
    for (angle, _offset), members in rows.items():
        for block in _blocks(items, members, angle):
            if len(block) == 1:
                singles.add(block[0])
                continue
            pieces.append(shapely.convex_hull(shapely.multipolygons(
                [shapes[i] for i in block])))
            ends += [(block[0], angle, -1), (block[-1], angle, +1)]
            blocks.append(block)
            in_rows.update(block)
    blockers = pieces + [shape for i, shape in enumerate(shapes) if i not in in_rows]
    opening: list[bool] = []
    if ends:
        probes = _aisle_probes(items, ends, rules)
        area = room.outline.buffer(TOLERANCE)
        shapely.prepare(area)
        covered = shapely.covers(area, probes).tolist()
        hit = set(STRtree(blockers + list(room.obstacles)).query(
            probes, predicate="intersects")[0].tolist())
        opening = [covered[n] and n not in hit for n in range(len(ends))]
    violations = [found for n, block in enumerate(blocks) if (found := _row_length(
        block, opening[2 * n] + opening[2 * n + 1], rules)) is not None]
    violations += _row_spacing(items, rows, rules)
    free = _free_floor(room, blockers)
    if free.buffer(-TURNING_DIAMETER / 2).is_empty:
        violations.append(Violation("no_turning_space",
                                    "There is nowhere a 1.5 m circle of free floor fits."))
    if not room.doors:
        return [*violations, Violation("no_accessible_route", "The room has no door.")]
    targets = {i for i, item in enumerate(items) if item.kind == "wheelchair_space"}
    targets |= chairs_at_tables(items, shapes) | singles
    targets |= {ends[n][0] for n in range(len(ends)) if opening[n]}
    route = _route_centres(room, free)
    if route is None:
        if targets:
            violations.append(Violation("no_accessible_route",
                                        "No 0.9 m wide route leads in from any door."))
        return violations
    ordered = sorted(targets)
    far = shapely.distance(route, [shapes[i] for i in ordered]) > ROUTE_WIDTH / 2 + 0.05
    stranded = [i for i, out in zip(ordered, far.tolist(), strict=True) if out]
    if stranded:
        violations.append(Violation(
            "no_accessible_route", f"No 0.9 m wide route from a door reaches items "
            f"{', '.join(map(str, stranded[:20]))}.", tuple(stranded)))
    return violations
