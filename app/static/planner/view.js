// Drawing the plan as SVG: the room, what the last preview said of the exits, the items.
// World coordinates are metres with y up; the world group flips y once.

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = 1;

export const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? '');

export function element(name, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

export const ringPath = (rings) => rings.map((ring) => `M${ring.map(([x, y]) => `${x},${y}`).join(' L')} Z`).join(' ');

export class PlanView {
  constructor(svg, room, kinds, strings) {
    this.svg = svg;
    this.world = svg.querySelector('#plan-world');
    this.layers = {
      room: svg.querySelector('.room-layer'),
      route: svg.querySelector('.route-layer'),
      zones: svg.querySelector('.zone-layer'),
      items: svg.querySelector('.item-layer'),
      overlay: svg.querySelector('.overlay-layer'),
    };
    this.room = room;
    this.kinds = kinds;
    this.strings = strings;
    this.faults = new Set();
    this.number = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
    const xs = room.outline.coordinates[0].map((p) => p[0]);
    const ys = room.outline.coordinates[0].map((p) => p[1]);
    this.bounds = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    this.drawRoom();
    this.fit();
  }

  drawRoom() {
    const layer = this.layers.room;
    element('path', { class: 'outline', d: ringPath(this.room.outline.coordinates), 'fill-rule': 'evenodd' }, layer);
    for (const obstacle of this.room.obstacles || []) {
      element('path', { class: 'obstacle', d: ringPath(obstacle.coordinates) }, layer);
    }
    for (const door of this.room.doors || []) {
      const [[x1, y1], [x2, y2]] = [door.geometry.coordinates[0], door.geometry.coordinates.at(-1)];
      element('line', { class: 'door', x1, y1, x2, y2 }, layer);
    }
  }

  // The view box: the whole room with a metre around it, or zoomed and panned.
  fit() {
    const [minx, miny, maxx, maxy] = this.bounds;
    this.box = { x: minx - MARGIN, y: -(maxy + MARGIN), w: maxx - minx + 2 * MARGIN, h: maxy - miny + 2 * MARGIN };
    this.applyBox();
  }

  applyBox() {
    const { x, y, w, h } = this.box;
    this.svg.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
  }

  zoom(factor, centre = null) {
    const c = centre || { x: this.box.x + this.box.w / 2, y: -(this.box.y + this.box.h / 2) };
    const w = Math.min(Math.max(this.box.w / factor, 1), 400);
    const h = this.box.h * (w / this.box.w);
    const sx = c.x, sy = -c.y;
    this.box = { x: sx - (sx - this.box.x) * (w / this.box.w), y: sy - (sy - this.box.y) * (h / this.box.h), w, h };
    this.applyBox();
  }

  pan(dx, dy) {
    this.box.x -= dx;
    this.box.y += dy;
    this.applyBox();
  }

  // Pan just enough that a point of the floor is in view, half a metre in from the edge
  // (or centre it, if the view is smaller than that).
  reveal(point, margin = 0.5) {
    const m = Math.min(margin, this.box.w / 2, this.box.h / 2);
    const top = -this.box.y;
    let dx = 0, dy = 0;
    if (point.x < this.box.x + m) dx = this.box.x + m - point.x;
    else if (point.x > this.box.x + this.box.w - m) dx = this.box.x + this.box.w - m - point.x;
    if (point.y > top - m) dy = top - m - point.y;
    else if (point.y < top - this.box.h + m) dy = top - this.box.h + m - point.y;
    if (dx || dy) this.pan(dx, dy);
  }

  centre() {
    return { x: this.box.x + this.box.w / 2, y: -(this.box.y + this.box.h / 2) };
  }

  // A pointer's position in metres on the floor.
  toWorld(event) {
    const point = this.svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const p = point.matrixTransform(this.world.getScreenCTM().inverse());
    return { x: p.x, y: p.y };
  }

  label(item, index) {
    return fill(this.strings.item_label, {
      name: this.kinds[item.kind]?.name || item.kind,
      number: index + 1,
      x: this.number.format(item.x),
      y: this.number.format(item.y),
      rotation: this.number.format(item.rotation),
    });
  }

  // The items, updated in place so that the focused one keeps the focus.
  drawItems(items, selection) {
    const layer = this.layers.items;
    while (layer.children.length > items.length) layer.lastChild.remove();
    items.forEach((item, index) => {
      let node = layer.children[index];
      if (!node || node.dataset.kind !== item.kind) {
        const fresh = this.itemNode(item, index);
        if (node) node.replaceWith(fresh); else layer.appendChild(fresh);
        node = fresh;
      }
      node.setAttribute('transform', `translate(${item.x} ${item.y}) rotate(${item.rotation})`);
      node.setAttribute('aria-label', this.label(item, index));
      node.setAttribute('aria-pressed', selection.has(index) ? 'true' : 'false');
      node.classList.toggle('selected', selection.has(index));
      node.classList.toggle('fault', this.faults.has(index));
    });
  }

  itemNode(item, index) {
    const kind = this.kinds[item.kind];
    const role = item.kind === 'wheelchair_space' ? 'wheelchair_space' : kind.seat ? 'seat' : kind.table ? 'table' : 'other';
    const node = element('g', { class: `item ${role} kind-${item.kind}`, tabindex: '0', role: 'button', 'data-index': index, 'data-kind': item.kind });
    if (kind.shape === 'circle') {
      element('circle', { class: 'body', r: kind.width / 2, cx: 0, cy: 0 }, node);
    } else {
      element('rect', { class: 'body', x: -kind.width / 2, y: -kind.depth / 2, width: kind.width, height: kind.depth }, node);
    }
    if (kind.seat) {
      // The side the sitter faces (+y before rotation), so a rotation can be seen.
      element('line', { class: 'front', x1: -kind.width / 2 + 0.06, y1: kind.depth / 2 - 0.05, x2: kind.width / 2 - 0.06, y2: kind.depth / 2 - 0.05 }, node);
    }
    return node;
  }

  itemElement(index) {
    return this.layers.items.children[index] || null;
  }

  // What the last preview said: items at fault outlined, door zones, the route in.
  drawPlan(plan, faults) {
    this.faults = new Set(faults);
    for (const layer of [this.layers.zones, this.layers.route]) layer.replaceChildren();
    for (const zone of plan.door_zones.flat()) {
      element('path', { class: 'door-zone', d: ringPath(zone.coordinates) }, this.layers.zones);
    }
    for (const part of plan.route) {
      element('path', { class: 'route', d: ringPath(part.coordinates), 'fill-rule': 'evenodd' }, this.layers.route);
    }
  }

  // The rotation handle of a lone selected item: a knob in front of it, on a stalk.
  // Pointer only (aria-hidden): the keyboard rotates with R and the rotation field.
  showHandle(item) {
    if (!item) {
      this.hideHandle();
      return;
    }
    if (!this.handleNode) {
      this.handleNode = element('g', { class: 'rotate-handle', 'aria-hidden': 'true' }, this.layers.overlay);
      element('line', { class: 'stalk', x1: 0, y1: 0, x2: 0, y2: 0 }, this.handleNode);
      element('circle', { class: 'knob', cx: 0, cy: 0, r: 0.14 }, this.handleNode);
      // A wider ring to grab than to see, for a finger.
      element('circle', { class: 'grip', cx: 0, cy: 0, r: 0.3 }, this.handleNode);
    }
    const reach = this.handleReach(item);
    const stalk = this.handleNode.querySelector('.stalk');
    stalk.setAttribute('y1', this.kinds[item.kind].depth / 2);
    stalk.setAttribute('y2', reach);
    for (const circle of this.handleNode.querySelectorAll('circle')) circle.setAttribute('cy', reach);
    this.handleNode.setAttribute('transform', `translate(${item.x} ${item.y}) rotate(${item.rotation})`);
  }

  hideHandle() {
    if (this.handleNode) this.handleNode.remove();
    this.handleNode = null;
  }

  // How far in front of an item's centre its handle sits (metres).
  handleReach(item) {
    const kind = this.kinds[item.kind];
    return Math.max(kind.width, kind.depth) / 2 + 0.35;
  }

  // The lines a snap to a neighbour lined the dragged item up on.
  showGuides(xs, ys) {
    this.hideGuides();
    const [minx, miny, maxx, maxy] = this.bounds;
    for (const x of xs) element('line', { class: 'snap-guide vertical', x1: x, y1: miny - MARGIN, x2: x, y2: maxy + MARGIN }, this.layers.overlay);
    for (const y of ys) element('line', { class: 'snap-guide horizontal', x1: minx - MARGIN, y1: y, x2: maxx + MARGIN, y2: y }, this.layers.overlay);
  }

  hideGuides() {
    for (const line of this.layers.overlay.querySelectorAll('.snap-guide')) line.remove();
  }

  showBox(a, b) {
    this.hideBox();
    this.boxNode = element('rect', {
      class: 'box', x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y),
    }, this.layers.overlay);
  }

  hideBox() {
    if (this.boxNode) this.boxNode.remove();
    this.boxNode = null;
  }
}
