"""Builders for pure layout tests: rooms and layouts with defaults, so tests state what matters."""

from __future__ import annotations

from shapely.geometry import LineString, Polygon, box

from layouts.layout import Item, Layout
from layouts.room import Door, RoomShape


def door_on_left_wall(y0: float = 1.0, width: float = 1.2) -> Door:
    """A door in the wall x = 0, from y0 up."""
    return Door(LineString([(0, y0), (0, y0 + width)]), width)


def rectangle_room(width: float = 12.0, depth: float = 9.0, **kwargs) -> RoomShape:
    """A rectangle with one door in each side wall near the back, unless doors are given."""
    doors = kwargs.pop("doors", (
        Door(LineString([(0, 1.0), (0, 2.2)]), 1.2),
        Door(LineString([(width, 1.0), (width, 2.2)]), 1.2),
    ))
    return RoomShape(box(0, 0, width, depth), tuple(doors), **kwargs)


def l_shaped_room() -> RoomShape:
    """14 m wide at the bottom, 6 m wide at the top, 12 m deep, doors on the long arm."""
    outline = Polygon([(0, 0), (14, 0), (14, 6), (6, 6), (6, 12), (0, 12)])
    doors = (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
             Door(LineString([(14, 1), (14, 2.2)]), 1.2))
    return RoomShape(outline, doors)


def room_with_pillar() -> RoomShape:
    """A 12 x 9 rectangle with a 0.4 m pillar in the middle."""
    return rectangle_room(obstacles=(box(5.8, 4.3, 6.2, 4.7),))


def layout_of(*items: Item, style: str = "custom") -> Layout:
    """A layout of the given items."""
    return Layout("Test", style, tuple(items))


def chair_row(count: int, x0: float, y: float, rotation: float = 0.0) -> list[Item]:
    """Chairs side by side along x, the first centred at x0."""
    return [Item("chair", x0 + 0.5 * n, y, rotation) for n in range(count)]
