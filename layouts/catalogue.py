"""The furniture catalogue, as data: footprints, seats, and the clearance seats need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True)
class FurnitureKind:
    """A kind of furniture. ``width`` runs along x and ``depth`` along y before rotation;
    seated people face +y (their backs at -y). ``seats`` of a table is how many chairs it
    takes; ``places`` counts people the item itself holds (chairs, wheelchair spaces)."""

    key: str
    name: str
    width: float
    depth: float
    shape: Literal["rect", "circle"] = "rect"
    seats: int = 0
    places: int = 0
    clearance_front: float = 0.0
    stackable: bool = False
    is_seat: bool = False
    is_table: bool = False


def _kinds(*kinds: FurnitureKind) -> Mapping[str, FurnitureKind]:
    return MappingProxyType({kind.key: kind for kind in kinds})


CATALOGUE: Mapping[str, FurnitureKind] = _kinds(
    FurnitureKind("chair", "Chair", 0.5, 0.5, seats=1, places=1, clearance_front=0.3,
                  is_seat=True),
    FurnitureKind("stacking_chair", "Stacking chair", 0.45, 0.5, seats=1, places=1,
                  clearance_front=0.3, stackable=True, is_seat=True),
    FurnitureKind("armchair", "Armchair", 0.8, 0.8, seats=1, places=1, clearance_front=0.4,
                  is_seat=True),
    FurnitureKind("table_160x80", "Table 160 x 80", 1.6, 0.8, seats=6, places=0,
                  clearance_front=0.75, is_table=True),
    FurnitureKind("table_120x60", "Classroom table 120 x 60", 1.2, 0.6, seats=2, places=0,
                  clearance_front=0.75, is_table=True),
    FurnitureKind("round_150", "Round table 150", 1.5, 1.5, "circle", seats=8, places=0,
                  clearance_front=0.75, is_table=True),
    FurnitureKind("round_180", "Round table 180", 1.8, 1.8, "circle", seats=10, places=0,
                  clearance_front=0.75, is_table=True),
    FurnitureKind("cabaret_round", "Cabaret round (150, open side)", 1.5, 1.5, "circle",
                  seats=6, places=0, clearance_front=0.75, is_table=True),
    FurnitureKind("lectern", "Lectern", 0.6, 0.5),
    FurnitureKind("stage_2x1", "Stage module 2 x 1", 2.0, 1.0, stackable=True),
    FurnitureKind("screen", "Projection screen", 2.0, 0.3),
    FurnitureKind("shelf_wheels_120x50", "Shelf on wheels 120 x 50", 1.2, 0.5),
    FurnitureKind("wheelchair_space", "Wheelchair space", 0.9, 1.4, places=1,
                  clearance_front=0.0),
)


def get_kind(key: str) -> FurnitureKind:
    """The kind with that key (KeyError if unknown)."""
    return CATALOGUE[key]
