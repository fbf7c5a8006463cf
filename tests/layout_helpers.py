"""Rooms with layouts that hold a known number of people."""

from __future__ import annotations

from typing import Any

from app.services import layouts, rooms
from tests.builders import door, make_room, rect


def chairs(count: int) -> list[dict[str, Any]]:
    """``count`` chairs in rows of 20: a theatre that holds exactly ``count``."""
    return [{"kind": "chair", "x": 2.0 + 0.6 * (i % 20), "y": 2.0 + 1.0 * (i // 20),
             "rotation": 0} for i in range(count)]


def room_with_layouts(branch, name: str, sizes: list[int], **overrides: Any):
    """A 16 x 12 m room on its own floor with one theatre layout per size."""
    room = make_room(branch, rect(0, 0, 16, 12), name=name, floor=f"{name} floor",
                     doors=[door(0, 1, 0, 2.2), door(16, 1, 16, 2.2)],
                     **{"max_attendees": None, **overrides})
    for size in sizes:
        layout = layouts.create_layout(rooms.get_room(room.id), {
            "name": f"{size} chairs", "style": "theatre", "items": chairs(size)})
        assert layout.capacity == min(size, overrides.get("max_attendees") or size)
    return room


PILLAR = (4.8, 3.8, 5.2, 4.2)


def room_with_pillar(branch, name: str = "Hall with a pillar", **overrides: Any):
    """A 10 x 8 m room with a door in each end wall and a 0.4 m pillar in its middle
    (x 4.8-5.2, y 3.8-4.2), no cap unless told."""
    return make_room(branch, rect(0, 0, 10, 8), name=name, floor=f"{name} floor",
                     doors=[door(0, 1, 0, 2.2), door(10, 1, 10, 2.2)],
                     obstacles=[rect(*PILLAR)], **{"max_attendees": None, **overrides})
