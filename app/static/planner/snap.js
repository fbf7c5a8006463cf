// Snapping a dragged item: to the grid, and to its neighbours' edges and centres.

export const GRID = 0.1;
const SNAP_DISTANCE = 0.12;
const NEAR = 1;

// Half the width and depth of an item's bounding box, turned as it stands.
export function extents(item, kinds) {
  const kind = kinds[item.kind];
  const a = (item.rotation * Math.PI) / 180;
  const c = Math.abs(Math.cos(a)), s = Math.abs(Math.sin(a));
  return { hx: (c * kind.width + s * kind.depth) / 2, hy: (s * kind.width + c * kind.depth) / 2 };
}

// Along one axis: where the item's centre may go to touch, line up with or centre on a
// neighbour, each with the line they then share.
function targets(centre, half, mine) {
  return [
    [centre - half - mine, centre - half],
    [centre + half + mine, centre + half],
    [centre - half + mine, centre - half],
    [centre + half - mine, centre + half],
    [centre, centre],
  ];
}

function nearest(position, candidates) {
  let best = null;
  for (const [target, line] of candidates) {
    const shift = target - position;
    if (Math.abs(shift) <= SNAP_DISTANCE && (best === null || Math.abs(shift) < Math.abs(best.shift))) {
      best = { shift, line };
    }
  }
  return best;
}

// The smallest shift along each axis that lines an edge or the centre up with a
// neighbour's (null where none is near enough), and the line it lines up on.
export function neighbourSnap(item, others, kinds) {
  const me = extents(item, kinds);
  const alongX = [];
  const alongY = [];
  for (const other of others) {
    const it = extents(other, kinds);
    if (Math.abs(other.y - item.y) < me.hy + it.hy + NEAR) alongX.push(...targets(other.x, it.hx, me.hx));
    if (Math.abs(other.x - item.x) < me.hx + it.hx + NEAR) alongY.push(...targets(other.y, it.hy, me.hy));
  }
  return { x: nearest(item.x, alongX), y: nearest(item.y, alongY) };
}

function overlaps(a, b, kinds) {
  const ea = extents(a, kinds), eb = extents(b, kinds);
  return Math.abs(a.x - b.x) < ea.hx + eb.hx && Math.abs(a.y - b.y) < ea.hy + eb.hy;
}

// Where a piece added from the palette goes: ``point``, or the first place to its right,
// short of ``maxX``, that touches no other item, so that pieces added one after another
// stand in a row instead of in a pile.
export function freePlace(kind, point, items, kinds, maxX) {
  const step = kinds[kind].width + 0.1;
  for (let x = point.x; x + kinds[kind].width / 2 <= maxX; x += step) {
    const spot = { kind, x, y: point.y, rotation: 0 };
    if (!items.some((other) => overlaps(spot, other, kinds))) return { x, y: point.y };
  }
  return point;
}
