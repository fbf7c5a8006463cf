// The room editor's state: the outline's corners, its doors and obstacles, the selection,
// and undo/redo as snapshots of the shape. Metres; values are kept to the millimetre.

export const GRID = 0.1;
export const mm = (value) => Math.round(value * 1000) / 1000;
export const snap = (value, step = GRID) => mm(Math.round(value / step) * step);
const clone = (value) => JSON.parse(JSON.stringify(value));
const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];
const open = (ring) => (ring.length > 1 && samePoint(ring[0], ring.at(-1)) ? ring.slice(0, -1) : ring.slice());
const close = (ring) => [...ring, ring[0]];

export function shapeFromRoom(room) {
  const [outer, ...holes] = room.outline.coordinates;
  return {
    outline: open(outer),
    holes: holes.map(open),
    doors: (room.doors || []).map((d) => ({ a: d.geometry.coordinates[0], b: d.geometry.coordinates.at(-1), width: d.width })),
    obstacles: (room.obstacles || []).map((o) => open(o.coordinates[0])),
  };
}

// The body of PATCH /rooms/{id} and of its preview.
export function shapeToBody(shape) {
  return {
    outline: { type: 'Polygon', coordinates: [close(shape.outline), ...shape.holes.map(close)] },
    doors: shape.doors.map((d) => ({ geometry: { type: 'LineString', coordinates: [d.a, d.b] }, width: d.width })),
    obstacles: shape.obstacles.map((o) => ({ type: 'Polygon', coordinates: [close(o)] })),
  };
}

// --- The same text as the page's form (app/web/room_shape_text.py) ------------------

const number = (value) => {
  const text = mm(value).toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
};
const point = (p) => `${number(p[0])}, ${number(p[1])}`;

export function shapeToText(shape) {
  return {
    outline: [shape.outline, ...shape.holes].map((ring) => ring.map(point).join('\n')).join('\n\n'),
    doors: shape.doors.map((d) => `${point(d.a)}; ${point(d.b)}; ${number(d.width)}`).join('\n'),
    obstacles: shape.obstacles.map((o) => o.map(point).join('; ')).join('\n'),
  };
}

const numbers = (line) => {
  const parts = line.trim().split(/[\s,;]+/).filter(Boolean);
  const values = parts.map(Number);
  return values.every(Number.isFinite) ? values : null;
};
const pairs = (values) => values.filter((_, i) => i % 2 === 0).map((x, i) => [x, values[2 * i + 1]]);

// The shape the form's text describes, or null where it does not read (the server says why).
export function shapeFromText({ outline, doors, obstacles }) {
  const rings = [[]];
  for (const line of outline.split('\n')) {
    if (!line.trim()) { if (rings.at(-1).length) rings.push([]); continue; }
    const values = numbers(line);
    if (!values || values.length !== 2) return null;
    rings.at(-1).push(values);
  }
  const found = rings.filter((ring) => ring.length).map(open);
  if (!found.length || found.some((ring) => ring.length < 3)) return null;
  const shape = { outline: found[0], holes: found.slice(1), doors: [], obstacles: [] };
  for (const line of doors.split('\n').filter((l) => l.trim())) {
    const values = numbers(line);
    if (!values || values.length !== 5) return null;
    shape.doors.push({ a: values.slice(0, 2), b: values.slice(2, 4), width: values[4] });
  }
  for (const line of obstacles.split('\n').filter((l) => l.trim())) {
    const values = numbers(line);
    if (!values || values.length < 6 || values.length % 2) return null;
    shape.obstacles.push(open(pairs(values)));
  }
  return shape;
}

// --- Geometry the editor needs ----------------------------------------------------------

export const bbox = (points) => {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
};

export function centroid(points) {
  let area = 0, cx = 0, cy = 0;
  points.forEach(([x1, y1], i) => {
    const [x2, y2] = points[(i + 1) % points.length];
    const cross = x1 * y2 - x2 * y1;
    area += cross; cx += (x1 + x2) * cross; cy += (y1 + y2) * cross;
  });
  if (Math.abs(area) < 1e-9) {
    const [minx, miny, maxx, maxy] = bbox(points);
    return [(minx + maxx) / 2, (miny + maxy) / 2];
  }
  return [cx / (3 * area), cy / (3 * area)];
}

const along = (a, b) => {
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return [(b[0] - a[0]) / length, (b[1] - a[1]) / length, length];
};

// The point of the wall a-b nearest to p.
export function projectOnto(a, b, p) {
  const [ux, uy, length] = along(a, b);
  const t = Math.min(Math.max((p[0] - a[0]) * ux + (p[1] - a[1]) * uy, 0), length);
  return [a[0] + ux * t, a[1] + uy * t];
}

// --- The model ---------------------------------------------------------------------------

export class ShapeModel extends EventTarget {
  constructor(shape) {
    super();
    this.shape = clone(shape);
    this.selection = null; // {kind: 'vertex' | 'edge' | 'door' | 'obstacle', index}
    this.done = [];
    this.undone = [];
    this.gesture = null;
  }

  changed(what) {
    this.dispatchEvent(new CustomEvent('change', { detail: what }));
  }

  // One undoable change: ``edit`` changes a copy of the shape in place.
  apply(edit, selection = this.selection) {
    const before = clone(this.shape);
    const after = clone(this.shape);
    edit(after);
    if (JSON.stringify(before) === JSON.stringify(after)) return false;
    this.done.push({ before, after, selectionBefore: this.selection, selectionAfter: selection });
    this.undone = [];
    this.shape = after;
    this.selection = selection;
    this.changed('shape');
    return true;
  }

  // A drag: live changes while the pointer moves, one undoable step when it is let go.
  begin() {
    this.gesture = { before: clone(this.shape), selection: this.selection };
  }

  live(edit) {
    if (!this.gesture) return;
    edit(this.shape);
    this.changed('live');
  }

  end() {
    const gesture = this.gesture;
    this.gesture = null;
    if (!gesture || JSON.stringify(gesture.before) === JSON.stringify(this.shape)) return;
    this.done.push({ before: gesture.before, after: clone(this.shape), selectionBefore: gesture.selection, selectionAfter: this.selection });
    this.undone = [];
    this.changed('shape');
  }

  undo() { this.step(this.done, this.undone, 'before', 'selectionBefore'); }

  redo() { this.step(this.undone, this.done, 'after', 'selectionAfter'); }

  step(from, to, side, selection) {
    const command = from.pop();
    if (!command) return;
    to.push(command);
    this.shape = clone(command[side]);
    this.selection = command[selection];
    this.changed('shape');
  }

  select(selection) {
    this.selection = selection;
    this.changed('selection');
  }

  wall(index) {
    const points = this.shape.outline;
    return [points[index], points[(index + 1) % points.length]];
  }

  // Arrows: a corner, a wall or an obstacle moves; a door slides along its wall.
  moveSelected(dx, dy) {
    const s = this.selection;
    if (!s) return;
    this.apply((shape) => moveBy(shape, s, dx, dy));
  }

  setPosition(x, y) {
    const s = this.selection;
    if (!s) return;
    const [cx, cy] = this.position();
    this.apply((shape) => {
      if (s.kind === 'door') {
        const door = shape.doors[s.index];
        for (const p of [door.a, door.b]) { p[0] = mm(p[0] + x - cx); p[1] = mm(p[1] + y - cy); }
      } else {
        moveBy(shape, s, x - cx, y - cy);
      }
    });
  }

  // Where the selection is: a corner itself, the middle of a wall or door, an obstacle's centre.
  position() {
    const s = this.selection;
    if (!s) return [0, 0];
    if (s.kind === 'vertex') return this.shape.outline[s.index];
    const points = s.kind === 'edge' ? this.wall(s.index) : s.kind === 'door'
      ? [this.shape.doors[s.index].a, this.shape.doors[s.index].b] : this.shape.obstacles[s.index];
    const [minx, miny, maxx, maxy] = bbox(points);
    return [mm((minx + maxx) / 2), mm((miny + maxy) / 2)];
  }

  size() {
    const s = this.selection;
    if (s?.kind === 'door') return [this.shape.doors[s.index].width, null];
    if (s?.kind === 'obstacle') {
      const [minx, miny, maxx, maxy] = bbox(this.shape.obstacles[s.index]);
      return [mm(maxx - minx), mm(maxy - miny)];
    }
    return [null, null];
  }

  // A door's width (its opening and clear width, about its middle); an obstacle's extent.
  setSize(width, depth) {
    const s = this.selection;
    if (s?.kind === 'door' && width > 0) {
      this.apply((shape) => { shape.doors[s.index] = resizedDoor(shape.doors[s.index], width); });
    } else if (s?.kind === 'obstacle' && width > 0 && depth > 0) {
      this.apply((shape) => {
        const points = shape.obstacles[s.index];
        const [minx, miny, maxx, maxy] = bbox(points);
        const [cx, cy] = [(minx + maxx) / 2, (miny + maxy) / 2];
        const [sx, sy] = [width / ((maxx - minx) || 1), depth / ((maxy - miny) || 1)];
        shape.obstacles[s.index] = points.map(([x, y]) => [mm(cx + (x - cx) * sx), mm(cy + (y - cy) * sy)]);
      });
    }
  }

  insertCorner(edge, at = null) {
    const [a, b] = this.wall(edge);
    const point = at || [mm((a[0] + b[0]) / 2), mm((a[1] + b[1]) / 2)];
    this.apply((shape) => shape.outline.splice(edge + 1, 0, point), { kind: 'vertex', index: edge + 1 });
  }

  removeSelected() {
    const s = this.selection;
    if (!s) return false;
    if (s.kind === 'vertex' && this.shape.outline.length > 3) {
      return this.apply((shape) => shape.outline.splice(s.index, 1), null);
    }
    if (s.kind === 'door') return this.apply((shape) => shape.doors.splice(s.index, 1), null);
    if (s.kind === 'obstacle') return this.apply((shape) => shape.obstacles.splice(s.index, 1), null);
    return false;
  }

  // A door of ``width`` centred on the wall (or at ``at`` on it), as wide as the wall allows.
  addDoor(edge, width, at = null) {
    const [a, b] = this.wall(edge);
    const [ux, uy, length] = along(a, b);
    const w = Math.min(width, length);
    const centre = at ? projectOnto(a, b, at) : [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const t = Math.min(Math.max((centre[0] - a[0]) * ux + (centre[1] - a[1]) * uy, w / 2), length - w / 2);
    const door = {
      a: [mm(a[0] + ux * (t - w / 2)), mm(a[1] + uy * (t - w / 2))],
      b: [mm(a[0] + ux * (t + w / 2)), mm(a[1] + uy * (t + w / 2))],
      width: mm(w),
    };
    this.apply((shape) => shape.doors.push(door), { kind: 'door', index: this.shape.doors.length });
  }

  // A 60 cm square obstacle in the middle of the room.
  addObstacle() {
    const [cx, cy] = centroid(this.shape.outline).map((v) => snap(v));
    const square = [[cx - 0.3, cy - 0.3], [cx + 0.3, cy - 0.3], [cx + 0.3, cy + 0.3], [cx - 0.3, cy + 0.3]].map((p) => p.map(mm));
    this.apply((shape) => shape.obstacles.push(square), { kind: 'obstacle', index: this.shape.obstacles.length });
  }

  newOutline(points) {
    this.apply((shape) => { shape.outline = points.map((p) => p.slice()); shape.holes = []; }, null);
  }

  replace(shape) {
    this.apply((current) => Object.assign(current, clone(shape)), null);
  }
}

function moveBy(shape, s, dx, dy) {
  const shift = (p) => { p[0] = mm(p[0] + dx); p[1] = mm(p[1] + dy); };
  if (s.kind === 'vertex') shift(shape.outline[s.index]);
  else if (s.kind === 'edge') {
    const n = shape.outline.length;
    shift(shape.outline[s.index]);
    shift(shape.outline[(s.index + 1) % n]);
  } else if (s.kind === 'obstacle') shape.obstacles[s.index].forEach(shift);
  else if (s.kind === 'door') {
    const door = shape.doors[s.index];
    // The arrow's share along the wall: on a north wall left and right slide, up and down do not.
    const [ux, uy] = along(door.a, door.b);
    const step = dx * ux + dy * uy;
    if (Math.abs(step) < 1e-9) return;
    for (const p of [door.a, door.b]) { p[0] = mm(p[0] + ux * step); p[1] = mm(p[1] + uy * step); }
  }
}

function resizedDoor(door, width) {
  const [ux, uy] = along(door.a, door.b);
  const [cx, cy] = [(door.a[0] + door.b[0]) / 2, (door.a[1] + door.b[1]) / 2];
  return {
    a: [mm(cx - ux * width / 2), mm(cy - uy * width / 2)],
    b: [mm(cx + ux * width / 2), mm(cy + uy * width / 2)],
    width: mm(width),
  };
}

// A door dragged along its wall to the pointer, in 10 cm steps.
export function slideDoor(door, start, pointer) {
  const [ux, uy] = along(door.a, door.b);
  const t = snap((pointer[0] - start[0]) * ux + (pointer[1] - start[1]) * uy);
  return { ...door, a: [mm(door.a[0] + ux * t), mm(door.a[1] + uy * t)], b: [mm(door.b[0] + ux * t), mm(door.b[1] + uy * t)] };
}
