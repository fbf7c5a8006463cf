// The room editor (staff): the outline's corners and walls, the doors and the obstacles,
// drawn on the layout editor's plan view. Every rule is the server's: each change is sent
// to POST /rooms/{id}/preview (debounced), whose errors are drawn next to the shape and
// listed; saving is the PATCH, and what it would break is shown before it is forced.

import { Api } from './api.js';
import { PlanView, element, fill, ringPath } from './view.js';
import {
  ShapeModel, bbox, mm, projectOnto, shapeFromRoom, shapeFromText, shapeToBody, shapeToText, slideDoor, snap,
} from './room_model.js';

const PREVIEW_DELAY_MS = 300;
const STEP = 0.1;
const FINE = 0.01;

const root = document.getElementById('room-editor');
const state = JSON.parse(root.dataset.state);
const strings = JSON.parse(root.dataset.strings);
const api = new Api(root.dataset.api, state.room_id);
const $ = (id) => document.getElementById(id);
const svg = $('shape');
const textFields = { outline: $('outline'), doors: $('doors'), obstacles: $('obstacles') };

// --- The view: the layout editor's plan (zoom, pan, pointer in metres), drawing a shape --

class ShapeView extends PlanView {
  constructor(shape) {
    super(svg, { outline: { coordinates: [shape.outline] }, doors: [], obstacles: [] }, {}, strings);
    this.labels = svg.querySelector('.label-layer');
    this.faults = [];
  }

  drawRoom() {} // the shape is drawn by draw(), from the model

  refit(shape) {
    this.bounds = bbox(shape.outline);
    this.fit();
  }

  handle() {
    return Math.min(Math.max(this.box.w * 0.012, 0.06), 0.5);
  }

  n(value) {
    return this.number.format(value);
  }

  draw(shape, selection, drawing) {
    const focused = document.activeElement?.closest?.('[data-kind]');
    const focusKey = focused && svg.contains(focused) ? `${focused.dataset.kind}:${focused.dataset.index}` : null;
    const faultOf = (kind, index) => this.faults.some((f) => f.kind === kind && (f.index === index || f.index === null));
    const selected = (kind, index) => selection?.kind === kind && selection.index === index;
    const r = this.handle();

    const room = this.layers.room;
    room.replaceChildren();
    const outline = element('path', { class: 'outline', d: ringPath([shape.outline, ...shape.holes]), 'fill-rule': 'evenodd' }, room);
    outline.classList.toggle('fault', this.faults.some((f) => f.kind === 'outline'));

    const layer = this.layers.items;
    layer.replaceChildren();
    const n = shape.outline.length;
    shape.outline.forEach((p, i) => {
      const q = shape.outline[(i + 1) % n];
      const corner = element('circle', {
        class: 'vertex handle', cx: p[0], cy: p[1], r, tabindex: '0', role: 'button', 'data-kind': 'vertex', 'data-index': i,
        'aria-label': fill(strings.vertex, { number: i + 1, x: this.n(p[0]), y: this.n(p[1]) }),
        'aria-pressed': String(selected('vertex', i)),
      }, layer);
      corner.classList.toggle('selected', selected('vertex', i));
      const length = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
      const [ux, uy] = [(q[0] - p[0]) / length, (q[1] - p[1]) / length];
      const gap = Math.min(r * 1.4, length / 3);
      const wall = element('line', {
        class: 'edge handle', x1: p[0] + ux * gap, y1: p[1] + uy * gap, x2: q[0] - ux * gap, y2: q[1] - uy * gap,
        tabindex: '0', role: 'button', 'data-kind': 'edge', 'data-index': i,
        'aria-label': fill(strings.edge, { number: i + 1 }), 'aria-pressed': String(selected('edge', i)),
      }, layer);
      wall.classList.toggle('selected', selected('edge', i));
    });
    shape.doors.forEach((door, i) => {
      const node = element('line', {
        class: 'door handle', x1: door.a[0], y1: door.a[1], x2: door.b[0], y2: door.b[1],
        tabindex: '0', role: 'button', 'data-kind': 'door', 'data-index': i, 'aria-pressed': String(selected('door', i)),
        'aria-label': fill(strings.door, {
          number: i + 1, width: this.n(door.width), x1: this.n(door.a[0]), y1: this.n(door.a[1]), x2: this.n(door.b[0]), y2: this.n(door.b[1]),
        }),
      }, layer);
      node.classList.toggle('selected', selected('door', i));
      node.classList.toggle('fault', faultOf('door', i));
    });
    shape.obstacles.forEach((points, i) => {
      const [minx, miny, maxx, maxy] = bbox(points);
      const node = element('path', {
        class: 'obstacle handle', d: ringPath([points]), tabindex: '0', role: 'button', 'data-kind': 'obstacle', 'data-index': i,
        'aria-pressed': String(selected('obstacle', i)),
        'aria-label': fill(strings.obstacle, {
          number: i + 1, width: this.n(mm(maxx - minx)), depth: this.n(mm(maxy - miny)), x: this.n(mm((minx + maxx) / 2)), y: this.n(mm((miny + maxy) / 2)),
        }),
      }, layer);
      node.classList.toggle('selected', selected('obstacle', i));
      node.classList.toggle('fault', faultOf('obstacle', i));
    });

    const overlay = this.layers.overlay;
    overlay.replaceChildren();
    if (drawing) {
      if (drawing.length > 1) element('polyline', { class: 'drawing', points: drawing.map((p) => p.join(',')).join(' ') }, overlay);
      drawing.forEach((p) => element('circle', { class: 'drawing-corner', cx: p[0], cy: p[1], r }, overlay));
    }
    this.drawLabels(shape);
    if (focusKey) svg.querySelector(`[data-kind="${focusKey.split(':')[0]}"][data-index="${focusKey.split(':')[1]}"]`)?.focus({ preventScroll: true });
  }

  // The server's words next to the shape they are about (y flipped: the labels are upright).
  drawLabels(shape) {
    this.labels.replaceChildren();
    const size = this.box.w * 0.025;
    for (const fault of this.faults) {
      const points = fault.kind === 'door' && shape.doors[fault.index] ? [shape.doors[fault.index].a, shape.doors[fault.index].b]
        : fault.kind === 'obstacle' && shape.obstacles[fault.index] ? shape.obstacles[fault.index] : shape.outline;
      const [minx, , , maxy] = bbox(points);
      const text = element('text', { class: 'fault-label', x: minx, y: -maxy - size * 0.6, 'font-size': size }, this.labels);
      text.textContent = fault.message;
    }
  }
}

// --- State ---------------------------------------------------------------------------------

const startText = Object.fromEntries(Object.entries(textFields).map(([key, field]) => [key, field.value]));
const model = new ShapeModel(shapeFromText(startText) || shapeFromRoom(state.room));
const view = new ShapeView(model.shape);
let drawing = null; // the corners of a new outline while it is drawn
let placingDoor = false;
let writingText = false;

for (const id of ['shape-canvas', 'shape-problems', 'shape-save']) $(id).hidden = false;
view.refit(model.shape);

model.addEventListener('change', (event) => {
  redraw();
  if (event.detail === 'shape') {
    if (!writingText) writeText();
    schedulePreview();
  }
});

function redraw() {
  view.draw(model.shape, model.selection, drawing);
  $('undo').disabled = model.done.length === 0;
  $('redo').disabled = model.undone.length === 0;
  const kind = model.selection?.kind;
  $('delete').disabled = !(kind === 'door' || kind === 'obstacle' || (kind === 'vertex' && model.shape.outline.length > 3));
  updateFields();
}

function writeText() {
  const text = shapeToText(model.shape);
  for (const [key, field] of Object.entries(textFields)) field.value = text[key];
}

// Typing in the form's text changes the drawing too (when the text reads as a shape).
for (const field of Object.values(textFields)) {
  field.addEventListener('change', () => {
    const shape = shapeFromText(Object.fromEntries(Object.entries(textFields).map(([key, f]) => [key, f.value])));
    if (!shape) return;
    writingText = true;
    try { model.replace(shape); } finally { writingText = false; }
    view.refit(model.shape);
    redraw();
  });
}

// --- The selection's fields -----------------------------------------------------------------

function updateFields() {
  const s = model.selection;
  const fields = $('selection-fields');
  fields.disabled = !s;
  const labels = { vertex: strings.vertex, edge: strings.edge, door: strings.door, obstacle: strings.obstacle };
  const node = s && svg.querySelector(`[data-kind="${s.kind}"][data-index="${s.index}"]`);
  $('selection-legend').textContent = node ? node.getAttribute('aria-label') : (s ? labels[s.kind] : strings.nothing_selected);
  const [x, y] = model.position();
  const [width, depth] = model.size();
  for (const [id, value] of [['sel-x', s ? x : ''], ['sel-y', s ? y : ''], ['sel-width', width ?? ''], ['sel-depth', depth ?? '']]) {
    if (document.activeElement !== $(id)) $(id).value = value;
  }
  $('sel-width').disabled = width === null;
  $('sel-depth').disabled = depth === null;
}

for (const id of ['sel-x', 'sel-y']) {
  $(id).addEventListener('change', () => {
    const x = Number($('sel-x').value);
    const y = Number($('sel-y').value);
    if (Number.isFinite(x) && Number.isFinite(y)) model.setPosition(mm(x), mm(y));
  });
}
for (const id of ['sel-width', 'sel-depth']) {
  $(id).addEventListener('change', () => model.setSize(Number($('sel-width').value), Number($('sel-depth').value)));
}

// --- Live validation by the server -----------------------------------------------------------

let timer = null;
let inFlight = null;
let sequence = 0;

function schedulePreview() {
  clearTimeout(timer);
  timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
}

const FIELD = /^(outline|doors|obstacles)(?:\[(\d+)\]|\.(\d+))?/;

function faultsOf(problem) {
  const errors = problem.errors && problem.errors.length ? problem.errors : [{ field: '', message: problem.detail || problem.title }];
  return errors.map((error) => {
    const match = FIELD.exec(error.field || '');
    const kind = match ? { outline: 'outline', doors: 'door', obstacles: 'obstacle' }[match[1]] : 'outline';
    const found = match && (match[2] ?? match[3]);
    return { kind, index: found === undefined || found === null ? null : Number(found), message: error.message, field: error.field };
  });
}

function where(fault) {
  if (fault.kind === 'door' && fault.index !== null) return fill(strings.door_at, { number: fault.index + 1 });
  if (fault.kind === 'obstacle' && fault.index !== null) return fill(strings.obstacle_at, { number: fault.index + 1 });
  return strings.outline;
}

async function runPreview() {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  const mine = ++sequence;
  root.setAttribute('aria-busy', 'true');
  $('shape-status').textContent = strings.checking;
  try {
    const answer = await api.send('POST', `/rooms/${state.room_id}/preview`, shapeToBody(model.shape), inFlight.signal);
    if (mine !== sequence) return;
    showFaults([]);
    $('shape-status').textContent = fill(answer.breaks ? strings.breaks : strings.valid, { area: view.n(answer.area_m2) });
    root.dataset.valid = 'true';
  } catch (error) {
    if (error.name === 'AbortError' || mine !== sequence) return;
    if (error.problem && error.status < 500 && error.status !== 403) {
      showFaults(faultsOf(error.problem));
      $('shape-status').textContent = strings.invalid;
    } else {
      $('shape-status').textContent = fill(strings.check_failed, { reason: error.message });
    }
    root.dataset.valid = 'false';
  } finally {
    if (mine === sequence) {
      root.removeAttribute('aria-busy');
      root.dataset.previewed = String(mine);
    }
  }
}

function showFaults(faults) {
  view.faults = faults;
  const list = $('shape-errors');
  list.replaceChildren();
  for (const fault of faults) {
    const li = document.createElement('li');
    li.className = 'field-error';
    li.dataset.field = fault.field || '';
    const detail = document.createElement('span');
    detail.lang = 'en';
    detail.textContent = fault.message;
    li.append(where(fault), detail);
    list.append(li);
  }
  redraw();
}

// --- Save, and what it would break --------------------------------------------------------------

// Dates the way the pages write them: British English or Danish, in the branch's zone.
const locale = { en: 'en-GB', da: 'da-DK' }[document.documentElement.lang] || undefined;
const when = new Intl.DateTimeFormat(locale, {
  timeZone: state.timezone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const clock = new Intl.DateTimeFormat(locale, { timeZone: state.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function showReport(report) {
  const box = $('impact-list');
  box.replaceChildren();
  const heading = (text) => { const h = document.createElement('h4'); h.textContent = text; box.append(h); };
  const list = (className) => { const ul = document.createElement('ul'); ul.className = className; box.append(ul); return ul; };
  if (report.layouts.length) {
    heading(strings.layouts);
    const ul = list('impact-layouts');
    for (const layout of report.layouts) {
      const li = document.createElement('li');
      li.dataset.layoutId = layout.id;
      li.textContent = fill(strings.layout_broken, { name: layout.name });
      ul.append(li);
    }
  }
  if (report.bookings.length) {
    heading(strings.bookings);
    const ul = list('impact-bookings');
    for (const row of report.bookings) {
      const li = document.createElement('li');
      li.dataset.bookingId = row.booking_id;
      const title = document.createElement('strong');
      title.textContent = row.title || strings.booked;
      li.append(title, row.association ? ` (${row.association}), ` : ', ',
        `${when.format(new Date(row.start))}–${clock.format(new Date(row.end))}`, document.createElement('br'),
        row.outcome === 'cancel' ? strings.cancel_outcome : fill(strings.flag_outcome, { attendees: row.attendees, capacity: row.capacity }));
      ul.append(li);
    }
  }
}

async function save(force) {
  $('save-status').textContent = strings.saving;
  $('save-shape').disabled = true;
  try {
    const answer = await api.send('PATCH', `/rooms/${state.room_id}`, { ...shapeToBody(model.shape), force });
    const broke = answer.report.layouts.length + answer.report.bookings.length > 0;
    $('save-status').textContent = broke ? strings.saved_invalidated : strings.saved;
    $('impact').hidden = !broke;
    $('impact-heading').textContent = strings.invalidated_heading;
    showReport(answer.report);
    $('impact-actions').hidden = true;
    $('impact-done').hidden = false;
    if (!broke) $('save-status').append(' ', linkToRoom());
    root.dataset.saved = 'true';
  } catch (error) {
    if (error.status === 409 && error.problem.report) {
      $('save-status').textContent = strings.needs_force;
      $('impact-heading').textContent = strings.breaks_heading;
      showReport(error.problem.report);
      $('impact').hidden = false;
      $('impact-actions').hidden = false;
      $('impact-done').hidden = true;
      $('save-anyway').focus();
    } else {
      $('save-status').textContent = fill(strings.not_saved, { reason: error.message });
      if (error.problem && error.status === 422) showFaults(faultsOf(error.problem));
    }
  } finally {
    $('save-shape').disabled = false;
  }
}

function linkToRoom() {
  const link = document.createElement('a');
  link.href = state.room_url;
  link.textContent = strings.view_room;
  return link;
}

$('save-shape').addEventListener('click', () => save(false));
$('save-anyway').addEventListener('click', () => save(true));
$('cancel-save').addEventListener('click', () => {
  $('impact').hidden = true;
  $('save-status').textContent = strings.unchanged;
  $('save-shape').focus();
});

// --- Tools ------------------------------------------------------------------------------------------

$('undo').addEventListener('click', () => model.undo());
$('redo').addEventListener('click', () => model.redo());
$('delete').addEventListener('click', () => model.removeSelected());
$('zoom-in').addEventListener('click', () => { view.zoom(1.25); redraw(); });
$('zoom-out').addEventListener('click', () => { view.zoom(0.8); redraw(); });
$('zoom-fit').addEventListener('click', () => { view.refit(model.shape); redraw(); });
$('add-obstacle').addEventListener('click', () => model.addObstacle());
$('add-door').addEventListener('click', () => {
  const width = Number($('door-width').value) || 0.9;
  if (model.selection?.kind === 'edge') {
    model.addDoor(model.selection.index, width);
  } else {
    placingDoor = true;
    $('draw-status').textContent = strings.door_hint;
  }
});

function startDrawing() {
  drawing = [];
  placingDoor = false;
  model.select(null);
  $('draw-outline').hidden = true;
  $('finish-outline').hidden = false;
  $('draw-status').textContent = strings.drawing;
  root.classList.add('drawing');
  redraw();
}

function stopDrawing(keep) {
  const points = drawing;
  drawing = null;
  $('draw-outline').hidden = false;
  $('finish-outline').hidden = true;
  root.classList.remove('drawing');
  $('draw-status').textContent = '';
  if (keep && points.length >= 3) {
    model.newOutline(points);
    view.refit(model.shape);
    redraw();
  } else {
    if (keep) $('draw-status').textContent = strings.drawn_too_few;
    redraw();
  }
  $('draw-outline').focus();
}

$('draw-outline').addEventListener('click', startDrawing);
$('finish-outline').addEventListener('click', () => stopDrawing(true));

// --- Pointer: drag corners, doors and obstacles; click a wall; draw; pan and zoom --------------

let drag = null;
const here = (event) => { const p = view.toWorld(event); return [p.x, p.y]; };
const snapped = (p) => [snap(p[0]), snap(p[1])];

svg.addEventListener('pointerdown', (event) => {
  if (event.button !== 0) return;
  const point = here(event);
  if (drawing) {
    const r = view.handle() * 2;
    if (drawing.length >= 3 && Math.hypot(point[0] - drawing[0][0], point[1] - drawing[0][1]) < r) stopDrawing(true);
    else { drawing.push(snapped(point)); redraw(); }
    event.preventDefault();
    return;
  }
  const node = event.target.closest('[data-kind]');
  svg.setPointerCapture(event.pointerId);
  if (!node) {
    drag = { kind: 'pan', last: { x: event.clientX, y: event.clientY } };
    model.select(null);
    return;
  }
  const selection = { kind: node.dataset.kind, index: Number(node.dataset.index) };
  if (selection.kind === 'edge' && placingDoor) {
    placingDoor = false;
    $('draw-status').textContent = '';
    model.addDoor(selection.index, Number($('door-width').value) || 0.9, point);
    return;
  }
  model.select(selection);
  model.begin();
  drag = { ...selection, start: point, moved: false, original: JSON.parse(JSON.stringify(model.shape)) };
  event.preventDefault();
});

svg.addEventListener('pointermove', (event) => {
  if (!drag) return;
  if (drag.kind === 'pan') {
    const rect = svg.getBoundingClientRect();
    const scale = view.box.w / rect.width;
    view.pan((event.clientX - drag.last.x) * scale, -(event.clientY - drag.last.y) * scale);
    drag.last = { x: event.clientX, y: event.clientY };
    view.drawLabels(model.shape);
    return;
  }
  const point = here(event);
  if (!drag.moved && Math.hypot(point[0] - drag.start[0], point[1] - drag.start[1]) < view.handle() / 2) return;
  drag.moved = true;
  const original = drag.original;
  const dx = snap(point[0] - drag.start[0]);
  const dy = snap(point[1] - drag.start[1]);
  model.live((shape) => {
    if (drag.kind === 'vertex') shape.outline[drag.index] = snapped(point);
    else if (drag.kind === 'door') shape.doors[drag.index] = slideDoor(original.doors[drag.index], drag.start, point);
    else if (drag.kind === 'obstacle') shape.obstacles[drag.index] = original.obstacles[drag.index].map(([x, y]) => [mm(x + dx), mm(y + dy)]);
    else if (drag.kind === 'edge') {
      const n = shape.outline.length;
      for (const i of [drag.index, (drag.index + 1) % n]) shape.outline[i] = [mm(original.outline[i][0] + dx), mm(original.outline[i][1] + dy)];
    }
  });
});

function finishDrag(event) {
  if (!drag) return;
  const done = drag;
  drag = null;
  if (done.kind === 'pan') return;
  model.end();
  if (!done.moved && done.kind === 'edge' && event.type === 'pointerup') {
    const [a, b] = model.wall(done.index);
    model.insertCorner(done.index, snapped(projectOnto(a, b, done.start)));
  }
}

svg.addEventListener('pointerup', finishDrag);
svg.addEventListener('pointercancel', finishDrag);

svg.addEventListener('wheel', (event) => {
  event.preventDefault();
  view.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, view.toWorld(event));
  redraw();
}, { passive: false });

// --- Keyboard: Tab between handles, arrows move, Enter adds a corner, Delete removes -----------------

svg.addEventListener('focusin', (event) => {
  const node = event.target.closest('[data-kind]');
  if (!node) return;
  const selection = { kind: node.dataset.kind, index: Number(node.dataset.index) };
  if (model.selection?.kind !== selection.kind || model.selection?.index !== selection.index) model.select(selection);
});

svg.addEventListener('keydown', (event) => {
  const step = event.shiftKey ? FINE : STEP;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  const node = event.target.closest('[data-kind]');
  if (drawing && event.key === 'Escape') stopDrawing(false);
  else if (drawing && event.key === 'Enter') stopDrawing(true);
  else if (event.key in moves && model.selection) model.moveSelected(...moves[event.key]);
  else if (node && node.dataset.kind === 'edge' && (event.key === 'Enter' || event.key === ' ')) model.insertCorner(Number(node.dataset.index));
  else if ((event.key === 'Delete' || event.key === 'Backspace') && model.selection) {
    const { kind, index } = model.selection;
    if (!model.removeSelected()) return;
    const count = kind === 'vertex' ? model.shape.outline.length : kind === 'door' ? model.shape.doors.length : model.shape.obstacles.length;
    const next = svg.querySelector(`[data-kind="${kind}"][data-index="${Math.min(index, count - 1)}"]`);
    (next || svg).focus();
  } else if (event.key === 'Escape') model.select(null);
  else return;
  event.preventDefault();
});

root.addEventListener('keydown', (event) => {
  const ctrl = event.ctrlKey || event.metaKey;
  if (!ctrl || event.target.matches('input, select, textarea')) return;
  const key = event.key.toLowerCase();
  if (key === 'z' && !event.shiftKey) model.undo();
  else if (key === 'y' || (key === 'z' && event.shiftKey)) model.redo();
  else return;
  event.preventDefault();
});

redraw();
runPreview();
