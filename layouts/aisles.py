"""Aisle widths by the people who rely on them (BR18: at least 1.3 m and 1 cm per person).

An aisle is the free floor at the ends of rows. Each row block sends its seats to the
nearest of its aisle ends (a block between two aisles sends half to each, the middle seat
of an odd block to both), and the gaps of successive rows that line up form one aisle:
it must be at least ``max(aisle_min_width, aisle_width_per_person x its people)`` wide in
every row it serves. Cross aisles in front of or behind the rows are not measured here;
the exit widths carry everyone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import LineString, Polygon
from shapely.strtree import STRtree

from layouts.room import RoomShape
from layouts.rulepacks import RulePack

TOLERANCE = 0.005
# Gaps of successive rows closer than this (their chairs' backs and fronts) are one aisle.
SAME_AISLE = 0.45


@dataclass(frozen=True)
class AisleEnd:
    """The open end of a row block: the end chair, where the gap starts, which way it runs,
    how deep the band of the row is, and how many of the block's seats go this way."""

    chair: int
    start: tuple[float, float]
    axis: tuple[float, float]
    depth: float
    persons: int


def persons_per_end(seats: int, aisle_ends: int) -> int:
    """Seats of a block that rely on one of its aisle ends (the nearer one)."""
    return seats if aisle_ends == 1 else math.ceil(seats / 2)


def aisle_width_violations(room: RoomShape, ends: list[AisleEnd], blockers: STRtree,
                           rules: RulePack) -> list[tuple[tuple[int, ...], float, float, int]]:
    """Aisles narrower than their people need: (end chairs, narrowest width, needed, people)."""
    reach = math.dist(room.outline.bounds[:2], room.outline.bounds[2:])
    floor = room.outline.buffer(TOLERANCE)
    gaps = [_gap(floor, end, blockers, reach) for end in ends]
    found = []
    for group in _aisles([shape for shape, _ in gaps]):
        people = sum(ends[i].persons for i in group)
        needed = max(rules.aisle_min_width, people * rules.aisle_width_per_person)
        narrow = [i for i in group if gaps[i][1] < needed - TOLERANCE]
        if narrow:
            found.append((tuple(sorted(ends[i].chair for i in narrow)),
                          min(gaps[i][1] for i in narrow), needed, people))
    return found


def _gap(floor: Polygon, end: AisleEnd, blockers: STRtree,
         reach: float) -> tuple[Polygon, float]:
    """The free floor beyond a row end up to the first obstacle, and its width."""
    (x, y), (ux, uy) = end.start, end.axis
    probe = LineString([(x, y), (x + ux * reach, y + uy * reach)]).buffer(
        end.depth / 2, cap_style="flat")
    edge = LineString([(x - uy * end.depth, y + ux * end.depth),
                       (x + uy * end.depth, y - ux * end.depth)])
    outside = probe.difference(floor)
    width = edge.distance(outside) if not outside.is_empty else reach
    for index in blockers.query(probe, predicate="intersects"):
        hit = blockers.geometries[int(index)].intersection(probe)
        if hit.area > 1e-6:
            width = min(width, edge.distance(hit))
    gap = LineString([(x, y), (x + ux * width, y + uy * width)]).buffer(
        end.depth / 2, cap_style="flat")
    return gap, width


def _aisles(gaps: list[Polygon]) -> list[list[int]]:
    """Gaps grouped into aisles: those that overlap or lie within ``SAME_AISLE`` of another."""
    if not gaps:
        return []
    parent = list(range(len(gaps)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tree = STRtree(gaps)
    left, right = tree.query(gaps, predicate="dwithin", distance=SAME_AISLE)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for index in range(len(gaps)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())
