// The layout editor: wires the model, the plan, the keyboard and the API together.
// Every rule is the server's: each change is sent to /layouts/preview (debounced) and
// the page draws and lists what it answers.

import { Api } from './api.js';
import { attachPointer } from './gestures.js';
import { attachKeyboard } from './keyboard.js';
import { Model, round } from './model.js';
import { GRID, freePlace } from './snap.js';
import { PlanView, fill } from './view.js';

const PREVIEW_DELAY_MS = 300;

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
  view.showHandle(model.selection.size === 1 ? model.items[model.selected()[0]] : null);
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
  button.addEventListener('click', () => {
    const kind = button.dataset.kind;
    addAt(kind, freePlace(kind, view.centre(), model.items, state.kinds, view.bounds[2]));
  });
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
attachPointer(svg, model, view, state.kinds, { grid: () => $('snap-grid').checked, items: () => $('snap-items').checked });

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

// --- Save: a layout that future bookings no longer fit is reported, then saved anyway --

// The page's language, written the British way in English as the server writes dates.
const dateLocale = document.documentElement.lang === 'en' ? 'en-GB' : document.documentElement.lang;
const when = new Intl.DateTimeFormat(dateLocale, {
  timeZone: state.timezone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});
let misfits = [];

function hideConflict() {
  misfits = [];
  $('save-conflict').hidden = true;
}

function showConflict(bookings) {
  misfits = bookings;
  const capacity = bookings[0].capacity;
  $('save-conflict-summary').textContent = bookings.length === 1
    ? fill(strings.conflict_one, { capacity })
    : fill(strings.conflict_many, { count: bookings.length, capacity });
  $('save-conflict-bookings').replaceChildren(...bookings.map((booking) => {
    const li = document.createElement('li');
    li.dataset.bookingId = String(booking.booking_id);
    li.textContent = fill(strings.conflict_booking, {
      title: booking.title || strings.booked,
      when: when.formatRange(new Date(booking.start), new Date(booking.end)),
      people: fill(strings.people, { count: booking.attendees }),
    });
    return li;
  }));
  $('save-conflict').hidden = false;
  $('save-conflict-summary').focus();
}

async function save(force) {
  const status = $('save-status');
  const name = $('layout-name').value.trim();
  if (!name) {
    status.textContent = strings.need_name;
    $('layout-name').focus();
    return;
  }
  const body = { name, style: $('layout-style').value, items: model.items };
  const flagged = force ? misfits.length : 0;
  try {
    const saved = layoutId ? await api.replace(layoutId, force ? { ...body, force: true } : body) : await api.create(body);
    hideConflict();
    if (!layoutId) {
      layoutId = saved.id;
      history.replaceState(null, '', root.dataset.editUrl.replace('{id}', saved.id));
      const link = $('poster-link');
      link.querySelector('a').href = root.dataset.posterUrl.replace('{id}', saved.id);
      link.hidden = false;
    }
    root.dataset.layoutId = String(saved.id);
    const done = fill(strings.saved, { name: saved.name, capacity: fill(strings.people, { count: saved.capacity }) });
    const told = flagged === 0 ? '' : flagged === 1 ? strings.flagged_one : fill(strings.flagged_many, { count: flagged });
    status.textContent = told ? `${done} ${told}` : done;
  } catch (error) {
    const bookings = error.status === 409 ? error.problem.bookings : null;
    if (Array.isArray(bookings) && bookings.length) {
      status.textContent = strings.not_saved_bookings;
      showConflict(bookings);
    } else {
      hideConflict();
      status.textContent = fill(strings.not_saved, { reason: error.message });
    }
  }
}

$('save-form').addEventListener('submit', (event) => {
  event.preventDefault();
  save(false);
});
$('save-anyway').addEventListener('click', () => save(true));
$('save-keep-editing').addEventListener('click', () => {
  hideConflict();
  $('save-status').textContent = '';
  $('layout-name').focus();
});
// What the report listed was for the layout as it was sent: a change asks anew.
model.addEventListener('change', (event) => {
  if (event.detail === 'items' && misfits.length) hideConflict();
});
$('layout-name').addEventListener('input', () => {
  if (misfits.length) hideConflict();
});

view.drawItems(model.items, model.selection);
updateFields();
runPreview();
