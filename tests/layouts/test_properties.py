"""Properties over many rooms: arranged layouts validate, capacity is the least of its limits."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon

from layouts.arrange import STYLES, arrange
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS
from layouts.validate import validate_layout


@st.composite
def rooms(draw) -> RoomShape:
    """Rectangles and L-shapes of 6-16 m with a door in each side wall."""
    width = draw(st.floats(6, 16).map(lambda v: round(v, 1)))
    depth = draw(st.floats(6, 14).map(lambda v: round(v, 1)))
    notch = draw(st.sampled_from([0.0, 0.3, 0.45]))
    if notch:
        cut_x, cut_y = round(width * (1 - notch), 2), round(depth * (1 - notch), 2)
        outline = Polygon([(0, 0), (width, 0), (width, cut_y), (cut_x, cut_y),
                           (cut_x, depth), (0, depth)])
    else:
        outline = Polygon([(0, 0), (width, 0), (width, depth), (0, depth)])
    doors = (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
             Door(LineString([(width, 1), (width, 2.2)]), 1.2))
    cap = draw(st.none() | st.integers(5, 200))
    return RoomShape(outline, doors, max_attendees=cap)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(room=rooms(), style=st.sampled_from(STYLES),
       rules=st.sampled_from(sorted(RULE_PACKS.values(), key=lambda r: r.key)),
       attendees=st.none() | st.integers(1, 120))
def test_every_arranged_layout_validates_and_its_capacity_is_its_least_limit(
        room, style, rules, attendees):
    arrangement = arrange(room, style, rules, attendees)
    found = [v.code for v in validate_layout(room, arrangement.layout, rules)
             if v.severity == "error"]
    assert found == []
    capacity = arrangement.capacity
    assert capacity.capacity == min(limit.value for limit in capacity.limits)
    assert capacity.binding in {limit.key for limit in capacity.limits
                                if limit.value == capacity.capacity}
