"""Rule packs: the building rules a capacity is derived from, as data with their sources.

The figures are guidance for planning, with the citation shown; they are not a
certificate, and the local authority's approval always prevails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DISCLAIMER = ("Guidance computed from the rule pack cited; not a certificate. The fire "
              "authority's approved seating plan and limits always prevail.")


class UnknownRulePack(ValueError):
    """No rule pack has that key."""


@dataclass(frozen=True)
class RulePack:
    """Numbers a layout is measured against."""

    key: str
    name: str
    citation: str
    area_per_person: Mapping[str, float]
    exit_width_per_person: float
    single_exit_max: int
    row_spacing: float
    max_row_seats_two_aisles: int
    max_row_seats_one_aisle: int
    aisle_min_width: float
    aisle_width_per_person: float
    seating_plan_above: int | None = None
    max_travel_distance: float = 25.0
    wheelchair_spaces: tuple[tuple[int, int, int], ...] = field(default=(
        (4, 25, 1), (26, 50, 2), (51, 150, 4), (151, 300, 5)))

    def area_for(self, style: str) -> float:
        """Floor area per person for a layout style."""
        return self.area_per_person.get(style, self.area_per_person["default"])

    def wheelchair_spaces_required(self, seats: int) -> int:
        """Wheelchair spaces a layout with that many seats should offer."""
        for low, high, needed in self.wheelchair_spaces:
            if low <= seats <= high:
                return needed
        if seats > self.wheelchair_spaces[-1][1]:
            return self.wheelchair_spaces[-1][2] + (seats - self.wheelchair_spaces[-1][1]) // 100
        return 0


DK_BR18 = RulePack(
    key="dk-br18",
    name="Denmark, BR18 (Bygningsreglement 2018)",
    citation=("BR18 §§ 52-58 (assembly rooms, Bilag 1 tables for rooms for more than 50 people) "
              "and the DBI/BR18 guidance on furnishing: tables and chairs 1.5 persons/m², rows "
              "0.8 m back to back, 24/12 seats per row, aisles 1.3 m + 1 cm per person."),
    area_per_person=MappingProxyType({
        "theatre": 0.5, "standing": 0.5, "classroom": 0.67, "boardroom": 0.67,
        "u_shape": 0.67, "banquet": 0.67, "cabaret": 0.67, "default": 0.67,
    }),
    exit_width_per_person=0.01,
    single_exit_max=50,
    row_spacing=0.8,
    max_row_seats_two_aisles=24,
    max_row_seats_one_aisle=12,
    aisle_min_width=1.3,
    aisle_width_per_person=0.01,
    seating_plan_above=150,
)

IBC_2021 = RulePack(
    key="ibc-2021",
    name="International Building Code 2021",
    citation=("IBC 2021 Table 1004.5 (occupant load: chairs only 7 ft² net, standing 5 ft², "
              "tables and chairs 15 ft², classroom 20 ft²), § 1005.3.2 (0.2 in of egress width "
              "per occupant), Table 1006.2.1 (one exit up to 49), § 1029.9.1 (14 seats between "
              "aisles, 7 to a wall, 12 in clear)."),
    area_per_person=MappingProxyType({
        "theatre": 0.65, "standing": 0.46, "classroom": 1.86, "boardroom": 1.39,
        "u_shape": 1.39, "banquet": 1.39, "cabaret": 1.39, "default": 1.39,
    }),
    exit_width_per_person=0.0051,
    single_exit_max=49,
    row_spacing=0.805,
    max_row_seats_two_aisles=14,
    max_row_seats_one_aisle=7,
    aisle_min_width=1.12,
    aisle_width_per_person=0.0051,
)

RULE_PACKS: Mapping[str, RulePack] = MappingProxyType({p.key: p for p in (DK_BR18, IBC_2021)})


def get_rule_pack(key: str) -> RulePack:
    """The rule pack with that key."""
    try:
        return RULE_PACKS[key]
    except KeyError:
        raise UnknownRulePack(f"no rule pack {key!r}; known: {', '.join(RULE_PACKS)}") from None
