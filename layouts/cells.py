"""Atomic cells of a floor: the faces of the overlay of its room outlines.

Two rooms overlap in space exactly when they share a cell, so a booking that
claims every cell of its room excludes every booking of an overlapping room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import shapely
from shapely.geometry import Polygon
from shapely.strtree import STRtree

SLIVER_M2 = 0.01


@dataclass(frozen=True)
class Cell:
    """One face of the overlay, and the rooms whose outlines cover it."""

    geometry: Polygon
    room_ids: frozenset[int]


def overlay_cells(outlines: Mapping[int, Polygon], min_area: float = SLIVER_M2) -> list[Cell]:
    """The faces of the overlay of ``outlines`` covered by at least one room, slivers dropped."""
    if not outlines:
        return []
    ids = sorted(outlines)
    polygons = [outlines[i] for i in ids]
    boundaries = shapely.union_all([shapely.set_precision(p.boundary, 1e-6) for p in polygons])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(boundaries))))
    tree = STRtree(polygons)
    cells = []
    for face in faces:
        if face.area < min_area:
            continue
        point = face.representative_point()
        covering = frozenset(ids[i] for i in tree.query(point, predicate="within"))
        if covering:
            cells.append(Cell(face, covering))
    return sorted(cells, key=_order)


def _order(cell: Cell) -> tuple:
    centroid = cell.geometry.centroid
    return (sorted(cell.room_ids), round(centroid.x, 6), round(centroid.y, 6))


def cells_by_room(cells: list[Cell]) -> dict[int, list[int]]:
    """Room id -> indexes of the cells it covers."""
    result: dict[int, list[int]] = {}
    for index, cell in enumerate(cells):
        for room_id in cell.room_ids:
            result.setdefault(room_id, []).append(index)
    return result
