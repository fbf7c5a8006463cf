// The pointer on the plan (mouse, pen, touch): drag items with snapping, turn one by its
// handle, Shift-click and box to select several, Alt- or middle-drag to pan, the wheel to
// zoom, and two fingers to pan and pinch.

import { normalAngle, round } from './model.js';
import { GRID, neighbourSnap } from './snap.js';

const TURN = 15;
const WHEEL_ZOOM = 1.15;
const DEAD_ZONE = 0.02;

const copy = (items) => items.map((item) => ({ ...item }));

export function attachPointer(svg, model, view, kinds, snapping) {
  const pointers = new Map();
  let gesture = null;

  // A drag or a turn given up (a second finger came down): the items go back.
  function abandon() {
    if (!gesture) return;
    if (gesture.type === 'drag' || gesture.type === 'rotate') {
      model.live(copy(gesture.start));
      model.end(gesture.type);
    }
    view.hideBox();
    view.hideGuides();
    gesture = null;
  }

  function pinchOf() {
    const [a, b] = [...pointers.values()];
    return { mid: { clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 }, distance: Math.hypot(a.x - b.x, a.y - b.y) };
  }

  svg.addEventListener('pointerdown', (event) => {
    if (event.button === 2) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    svg.setPointerCapture(event.pointerId);
    if (pointers.size === 2) {
      abandon();
      gesture = { type: 'pinch', last: pinchOf() };
      return;
    }
    if (pointers.size > 2) return;
    const at = view.toWorld(event);
    const handle = event.target.closest('.rotate-handle');
    const node = event.target.closest('.item');
    if (handle && model.selection.size === 1) {
      event.preventDefault();
      model.begin();
      gesture = { type: 'rotate', index: model.selected()[0], start: copy(model.items) };
    } else if (node && !event.altKey && event.button === 0) {
      event.preventDefault();
      const index = Number(node.dataset.index);
      if (event.shiftKey) model.toggle(index);
      else if (!model.selection.has(index)) model.select([index]);
      node.focus({ preventScroll: true });
      if (!model.selection.has(index)) return;
      model.begin();
      gesture = { type: 'drag', index, from: at, start: copy(model.items), moved: false };
    } else if (event.altKey || event.button === 1) {
      gesture = { type: 'pan', last: { x: event.clientX, y: event.clientY } };
    } else {
      gesture = { type: 'box', from: at, add: event.shiftKey };
    }
  });

  svg.addEventListener('pointermove', (event) => {
    if (pointers.has(event.pointerId)) pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!gesture) return;
    if (gesture.type === 'pinch') pinch();
    else if (gesture.type === 'pan') pan(event);
    else if (gesture.type === 'box') box(event);
    else if (gesture.type === 'rotate') turn(event);
    else drag(event);
  });

  function pinch() {
    if (pointers.size < 2) return;
    const now = pinchOf();
    const scale = view.box.w / svg.clientWidth;
    view.pan((now.mid.clientX - gesture.last.mid.clientX) * scale, (now.mid.clientY - gesture.last.mid.clientY) * -scale);
    if (gesture.last.distance > 0 && now.distance > 0) view.zoom(now.distance / gesture.last.distance, view.toWorld(now.mid));
    gesture.last = now;
  }

  function pan(event) {
    const scale = view.box.w / svg.clientWidth;
    view.pan((event.clientX - gesture.last.x) * scale, (event.clientY - gesture.last.y) * -scale);
    gesture.last = { x: event.clientX, y: event.clientY };
  }

  function box(event) {
    const at = view.toWorld(event);
    view.showBox(gesture.from, at);
    gesture.to = at;
  }

  // The handle turns the item freely, to the degree; with Shift in 15° steps.
  function turn(event) {
    const at = view.toWorld(event);
    const item = gesture.start[gesture.index];
    const pointing = (Math.atan2(at.y - item.y, at.x - item.x) * 180) / Math.PI - 90;
    const angle = event.shiftKey ? Math.round(pointing / TURN) * TURN : Math.round(pointing);
    model.live(gesture.start.map((one, i) => (i === gesture.index ? { ...one, rotation: normalAngle(angle) } : { ...one })));
  }

  function drag(event) {
    const at = view.toWorld(event);
    let dx = at.x - gesture.from.x;
    let dy = at.y - gesture.from.y;
    if (!gesture.moved && Math.hypot(dx, dy) < DEAD_ZONE) return;
    gesture.moved = true;
    const lead = gesture.start[gesture.index];
    const target = { ...lead, x: lead.x + dx, y: lead.y + dy };
    if (snapping.grid()) {
      target.x = round(target.x, GRID);
      target.y = round(target.y, GRID);
    }
    const guides = { xs: [], ys: [] };
    if (snapping.items()) {
      const others = gesture.start.filter((_, i) => !model.selection.has(i));
      const snap = neighbourSnap(target, others, kinds);
      if (snap.x) {
        target.x += snap.x.shift;
        guides.xs.push(snap.x.line);
      }
      if (snap.y) {
        target.y += snap.y.shift;
        guides.ys.push(snap.y.line);
      }
    }
    view.showGuides(guides.xs, guides.ys);
    dx = target.x - lead.x;
    dy = target.y - lead.y;
    model.live(gesture.start.map((item, i) => (model.selection.has(i)
      ? { ...item, x: round(item.x + dx), y: round(item.y + dy) } : { ...item })));
  }

  function finish(event) {
    pointers.delete(event.pointerId);
    if (!gesture) return;
    if (gesture.type === 'pinch') {
      if (pointers.size < 2) gesture = null;
      return;
    }
    if (gesture.type === 'drag') model.end('move');
    if (gesture.type === 'rotate') model.end('rotate');
    if (gesture.type === 'box') selectInBox();
    view.hideGuides();
    gesture = null;
  }

  function selectInBox() {
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

  svg.addEventListener('pointerup', finish);
  svg.addEventListener('pointercancel', finish);

  svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    view.zoom(event.deltaY < 0 ? WHEEL_ZOOM : 1 / WHEEL_ZOOM, view.toWorld(event));
  }, { passive: false });
}
