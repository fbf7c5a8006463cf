"""GeoJSON exchange of a room and its layout, in local metres (not WGS 84)."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping

from layouts.geometry import GeometryError, polygon_to_geojson
from layouts.layout import Layout, footprint, layout_from_json
from layouts.room import RoomShape, room_from_geojson

CRS_NOTE = ("Coordinates are metres in the floor's local plane (x right, y up), not WGS 84 "
            "longitude and latitude.")


def to_geojson(room: RoomShape, layout: Layout | None = None,
               properties: dict[str, Any] | None = None) -> dict[str, Any]:
    """A FeatureCollection: the outline, doors, obstacles and every item with its footprint."""
    features = [_feature("outline", polygon_to_geojson(room.outline),
                         max_attendees=room.max_attendees)]
    features += [_feature("door", mapping(d.segment), width=d.width) for d in room.doors]
    features += [_feature("obstacle", polygon_to_geojson(o)) for o in room.obstacles]
    if layout is not None:
        features += [_feature("item", polygon_to_geojson(footprint(i)), kind=i.kind, x=i.x, y=i.y,
                              rotation=i.rotation) for i in layout.items]
    return {
        "type": "FeatureCollection",
        "coordinate_system": CRS_NOTE,
        "properties": {**(properties or {}),
                       **({"layout": {"name": layout.name, "style": layout.style}}
                          if layout is not None else {})},
        "features": features,
    }


def _feature(role: str, geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": _plain(geometry),
            "properties": {"role": role, **properties}}


def _plain(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": geometry["type"], "coordinates": _lists(geometry["coordinates"])}


def _lists(value: Any) -> Any:
    return [_lists(v) for v in value] if isinstance(value, list | tuple) else value


def from_geojson(collection: Any) -> tuple[RoomShape, Layout | None]:
    """Read a FeatureCollection written by ``to_geojson`` (or by hand in the same shape)."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise GeometryError("file", "expected a GeoJSON FeatureCollection")
    features = [f for f in collection.get("features", []) if isinstance(f, dict)]
    by_role: dict[str, list[dict[str, Any]]] = {}
    for feature in features:
        by_role.setdefault((feature.get("properties") or {}).get("role", ""), []).append(feature)
    outlines = by_role.get("outline", [])
    if len(outlines) != 1:
        raise GeometryError("file", "the collection needs exactly one feature with role 'outline'")
    room = room_from_geojson(
        outlines[0]["geometry"],
        [{"geometry": f["geometry"], "width": f["properties"].get("width")}
         for f in by_role.get("door", [])],
        [f["geometry"] for f in by_role.get("obstacle", [])],
        outlines[0]["properties"].get("max_attendees"),
    )
    items = by_role.get("item", [])
    meta = (collection.get("properties") or {}).get("layout")
    if not items and meta is None:
        return room, None
    layout = layout_from_json({
        "name": (meta or {}).get("name", "Imported"),
        "style": (meta or {}).get("style", "custom"),
        "items": [{k: f["properties"].get(k) for k in ("kind", "x", "y", "rotation")}
                  for f in items],
    })
    return room, layout

