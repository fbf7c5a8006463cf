// The layout editor: wires the model, the plan, the keyboard and the API together.
// Every rule is the server's: each change is sent to /layouts/preview (debounced) and
// the page draws and lists what it answers.

import { Api } from './api.js';
import { attachKeyboard } from './keyboard.js';
import { Model, round } from './model.js';
import { PlanView, fill } from './view.js';

const PREVIEW_DELAY_MS = 300;
const GRID = 0.1;
const SNAP_DISTANCE = 0.12;

const root = document.getElementById('planner');
const state = JSON.parse(root.dataset.state);
const strings = JSON.parse(root.dataset.strings);
const api = new Api(root.dataset.api, state.room_id);
const svg = document.getElementById('plan');
const model = new Model(state.layout.items);
const view = new PlanView(svg, state.room, state.kinds, strings);
const $ = (id) => document.getElementById(id);
let layoutId = state.layout_id;
let lastPreview = null;

// --- Drawing on every change, previewing on every change of the items --------------

model.addEventListener('change', (event) => {
  view.drawItems(model.items, model.selection);
  updateFields();
  $('undo').disabled = model.done.length === 0;
  $('redo').disabled = model.undone.length === 0;
  if (event.detail === 'items') schedulePreview();
});

let timer = null;
let inFlight = null;
let sequence = 0;

function layoutBody() {
  return { name: $('layout-name').value.trim() || 'preview', style: $('layout-style').value, items: model.items };
}

function schedulePreview() {
  clearTimeout(timer);
  timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
}

async function runPreview() {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  const mine = ++sequence;
  root.setAttribute('aria-busy', 'true');
  try {
    const answer = await api.preview(layoutBody(), inFlight.signal);
    if (mine !== sequence) return;
    lastPreview = answer;
    showPreview(answer);
  } catch (error) {
    if (error.name === 'AbortError') return;
    $('preview-status').textContent = fill(strings.check_failed, { reason: error.message });
  } finally {
    if (mine === sequence) {
      root.removeAttribute('aria-busy');
      root.dataset.previewed = String(mine);
    }
  }
}

function itemNames(indexes) {
  return indexes.map((i) => `${state.kinds[model.items[i]?.kind]?.name || ''} ${i + 1}`.trim()).join(', ');
}

function showPreview(answer) {
  const faults = answer.violations.flatMap((v) => v.items);
  view.drawPlan(answer.plan, faults);
  view.drawItems(model.items, model.selection);

  const list = $('violations');
  list.replaceChildren();
  for (const violation of answer.violations) {
    const li = document.createElement('li');
    li.className = `violation ${violation.severity}`;
    li.dataset.code = violation.code;
    const rule = document.createElement('span');
    rule.className = 'rule';
    rule.textContent = strings.rules[violation.code] || violation.code;
    li.append(rule);
    if (violation.items.length) {
      li.append(document.createElement('br'), fill(strings.items_at_fault, { items: itemNames(violation.items.slice(0, 20)) }));
    }
    const detail = document.createElement('span');
    detail.className = 'detail muted small';
    detail.lang = 'en';
    detail.textContent = violation.message;
    li.append(document.createElement('br'), detail);
    list.append(li);
  }
  const rules = answer.violations.map((v) => strings.rules[v.code] || v.code);
  const count = answer.violations.length;
  $('preview-status').textContent = count === 0 ? strings.problems_none
    : `${count === 1 ? strings.problems_one : fill(strings.problems_many, { count })} ${rules.join('; ')}`;
  $('citation').textContent = count ? answer.citation : '';
  showCapacity(answer);
}

function showCapacity(answer) {
  $('capacity-figure').textContent = fill(strings.capacity, { capacity: answer.capacity });
  const limitName = strings.limits[answer.binding] || answer.binding;
  $('binding-sentence').textContent = fill(strings.binding, { capacity: answer.capacity, limit: limitName });
  for (const row of document.querySelectorAll('#limits tr[data-limit]')) {
    const key = row.dataset.limit;
    const known = key in answer.limits;
    row.hidden = !known;
    row.classList.toggle('binding', key === answer.binding);
    row.querySelector('.value').textContent = known ? answer.limits[key] : '';
    row.querySelector('.reason').textContent = known ? answer.limit_reasons[key] : '';
  }
}

// --- The selected item's fields ------------------------------------------------------

function updateFields() {
  const chosen = model.selected();
  const one = chosen.length === 1 ? model.items[chosen[0]] : null;
  $('selection-fields').disabled = !one;
  $('selection-legend').textContent = one ? view.label(one, chosen[0])
    : chosen.length ? fill(strings.selected, { count: chosen.length }) : strings.nothing_selected;
  for (const field of ['x', 'y', 'rotation']) {
    const input = $(`item-${field}`);
    if (document.activeElement !== input) input.value = one ? one[field] : '';
  }
}

for (const field of ['x', 'y', 'rotation']) {
  $(`item-${field}`).addEventListener('change', (event) => {
    const chosen = model.selected();
    const value = Number(event.target.value);
    if (chosen.length === 1 && event.target.value !== '' && Number.isFinite(value)) model.set(chosen[0], field, value);
  });
}

// --- Adding from the palette: a click puts it in the middle of the view, a drop where it falls ---

function addAt(kind, point) {
  const [minx, miny, maxx, maxy] = view.bounds;
  const x = Math.min(Math.max(point.x, minx + 0.5), maxx - 0.5);
  const y = Math.min(Math.max(point.y, miny + 0.5), maxy - 0.5);
  const snap = $('snap-grid').checked ? (v) => round(v, GRID) : (v) => v;
  const index = model.add(kind, snap(x), snap(y));
  view.itemElement(index)?.focus({ preventScroll: true });
}

for (const button of document.querySelectorAll('.palette-item')) {
  button.addEventListener('click', () => addAt(button.dataset.kind, view.centre()));
  button.addEventListener('dragstart', (event) => {
    event.dataTransfer.setData('text/plain', button.dataset.kind);
    event.dataTransfer.effectAllowed = 'copy';
  });
}
svg.addEventListener('dragover', (event) => event.preventDefault());
svg.addEventListener('drop', (event) => {
  event.preventDefault();
  const kind = event.dataTransfer.getData('text/plain');
  if (kind in state.kinds) addAt(kind, view.toWorld(event));
});

// --- Pointer: drag items (snapping), Shift-click, box select, Alt-drag pans, wheel zooms ---

let gesture = null;

function extents(item) {
  const kind = state.kinds[item.kind];
  const a = (item.rotation * Math.PI) / 180;
  const c = Math.abs(Math.cos(a)), s = Math.abs(Math.sin(a));
  return { hx: (c * kind.width + s * kind.depth) / 2, hy: (s * kind.width + c * kind.depth) / 2 };
}

// The smallest shift along one axis that lines an edge or centre up with a neighbour's.
function neighbourSnap(item, others) {
  const me = extents(item);
  let best = { dx: Infinity, dy: Infinity };
  for (const other of others) {
    const it = extents(other);
    const nearX = Math.abs(other.y - item.y) < me.hy + it.hy + 1;
    const nearY = Math.abs(other.x - item.x) < me.hx + it.hx + 1;
    if (nearX) {
      for (const target of [other.x - it.hx - me.hx, other.x + it.hx + me.hx, other.x - it.hx + me.hx, other.x + it.hx - me.hx, other.x]) {
        const d = target - item.x;
        if (Math.abs(d) < Math.abs(best.dx)) best.dx = d;
      }
    }
    if (nearY) {
      for (const target of [other.y - it.hy - me.hy, other.y + it.hy + me.hy, other.y - it.hy + me.hy, other.y + it.hy - me.hy, other.y]) {
        const d = target - item.y;
        if (Math.abs(d) < Math.abs(best.dy)) best.dy = d;
      }
    }
  }
  return { dx: Math.abs(best.dx) <= SNAP_DISTANCE ? best.dx : null, dy: Math.abs(best.dy) <= SNAP_DISTANCE ? best.dy : null };
}

svg.addEventListener('pointerdown', (event) => {
  if (event.button === 2) return;
  const node = event.target.closest('.item');
  const at = view.toWorld(event);
  svg.setPointerCapture(event.pointerId);
  if (node && !event.altKey && event.button === 0) {
    event.preventDefault();
    const index = Number(node.dataset.index);
    if (event.shiftKey) model.toggle(index);
    else if (!model.selection.has(index)) model.select([index]);
    node.focus({ preventScroll: true });
    if (!model.selection.has(index)) return;
    model.begin();
    gesture = { type: 'drag', index, from: at, start: model.items.map((item) => ({ ...item })), moved: false };
  } else if (event.altKey || event.button === 1) {
    gesture = { type: 'pan', last: { x: event.clientX, y: event.clientY } };
  } else {
    gesture = { type: 'box', from: at, add: event.shiftKey };
  }
});

svg.addEventListener('pointermove', (event) => {
  if (!gesture) return;
  if (gesture.type === 'pan') {
    const scale = view.box.w / svg.clientWidth;
    view.pan((event.clientX - gesture.last.x) * scale, (event.clientY - gesture.last.y) * -scale);
    gesture.last = { x: event.clientX, y: event.clientY };
    return;
  }
  const at = view.toWorld(event);
  if (gesture.type === 'box') {
    view.showBox(gesture.from, at);
    gesture.to = at;
    return;
  }
  let dx = at.x - gesture.from.x;
  let dy = at.y - gesture.from.y;
  if (!gesture.moved && Math.hypot(dx, dy) < 0.02) return;
  gesture.moved = true;
  const lead = gesture.start[gesture.index];
  let target = { ...lead, x: lead.x + dx, y: lead.y + dy };
  if ($('snap-grid').checked) target = { ...target, x: round(target.x, GRID), y: round(target.y, GRID) };
  if ($('snap-items').checked) {
    const others = gesture.start.filter((_, i) => !model.selection.has(i));
    const snap = neighbourSnap(target, others);
    if (snap.dx !== null) target.x += snap.dx;
    if (snap.dy !== null) target.y += snap.dy;
  }
  dx = target.x - lead.x;
  dy = target.y - lead.y;
  model.live(gesture.start.map((item, i) => (model.selection.has(i)
    ? { ...item, x: round(item.x + dx), y: round(item.y + dy) } : { ...item })));
});

function finishGesture() {
  if (!gesture) return;
  if (gesture.type === 'drag') model.end('move');
  if (gesture.type === 'box') {
    view.hideBox();
    if (gesture.to) {
      const [x0, x1] = [Math.min(gesture.from.x, gesture.to.x), Math.max(gesture.from.x, gesture.to.x)];
      const [y0, y1] = [Math.min(gesture.from.y, gesture.to.y), Math.max(gesture.from.y, gesture.to.y)];
      const inside = model.items.flatMap((item, i) => (item.x >= x0 && item.x <= x1 && item.y >= y0 && item.y <= y1 ? [i] : []));
      model.select(inside, gesture.add);
    } else if (!gesture.add) {
      model.select([]);
    }
  }
  gesture = null;
}
svg.addEventListener('pointerup', finishGesture);
svg.addEventListener('pointercancel', finishGesture);

svg.addEventListener('wheel', (event) => {
  event.preventDefault();
  view.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, view.toWorld(event));
}, { passive: false });

// --- Toolbar ---------------------------------------------------------------------------

$('undo').addEventListener('click', () => model.undo());
$('redo').addEventListener('click', () => model.redo());
$('duplicate').addEventListener('click', () => model.duplicate());
$('delete').addEventListener('click', () => model.remove());
$('rotate-left').addEventListener('click', () => model.rotate(15));
$('rotate-right').addEventListener('click', () => model.rotate(-15));
$('zoom-in').addEventListener('click', () => view.zoom(1.25));
$('zoom-out').addEventListener('click', () => view.zoom(1 / 1.25));
$('zoom-fit').addEventListener('click', () => view.fit());
$('layout-style').addEventListener('change', schedulePreview);
attachKeyboard(root, svg, model, view);

// --- Auto-arrange and save -------------------------------------------------------------

$('arrange-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const style = $('arrange-style').value;
  const attendees = Number($('arrange-attendees').value) || null;
  const status = $('arrange-status');
  try {
    const proposal = await api.arrange(style, attendees);
    $('layout-style').value = proposal.style;
    model.replaceAll(proposal.items);
    if (!$('layout-name').value.trim()) $('layout-name').value = proposal.name;
    status.textContent = fill(strings.arranged, { style: strings.styles[style] || style, count: proposal.items.length });
  } catch (error) {
    status.textContent = fill(strings.check_failed, { reason: error.message });
  }
});

$('save-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('save-status');
  const name = $('layout-name').value.trim();
  if (!name) {
    status.textContent = strings.need_name;
    $('layout-name').focus();
    return;
  }
  const body = { name, style: $('layout-style').value, items: model.items };
  try {
    const saved = layoutId ? await api.replace(layoutId, body) : await api.create(body);
    if (!layoutId) {
      layoutId = saved.id;
      history.replaceState(null, '', root.dataset.editUrl.replace('{id}', saved.id));
      const link = $('poster-link');
      link.querySelector('a').href = root.dataset.posterUrl.replace('{id}', saved.id);
      link.hidden = false;
    }
    root.dataset.layoutId = String(saved.id);
    status.textContent = fill(strings.saved, { name: saved.name, capacity: fill(strings.people, { count: saved.capacity }) });
  } catch (error) {
    status.textContent = fill(strings.not_saved, { reason: error.message });
  }
});

view.drawItems(model.items, model.selection);
updateFields();
runPreview();
