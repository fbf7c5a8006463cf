// The editor's state: the items, the selection, and undo/redo as a stack of commands.
// A command holds the items before and after it, so undoing never re-derives anything.

const copy = (items) => items.map((item) => ({ ...item }));
const same = (a, b) => a.length === b.length && a.every((item, i) =>
  item.kind === b[i].kind && item.x === b[i].x && item.y === b[i].y && item.rotation === b[i].rotation);

export const round = (value, step = 0.001) => Math.round(value / step) * step;
export const normalAngle = (angle) => ((Math.round(angle * 100) / 100) % 360 + 360) % 360;

export class Model extends EventTarget {
  constructor(items) {
    super();
    this.items = copy(items);
    this.selection = new Set();
    this.done = [];
    this.undone = [];
    this.gesture = null;
  }

  changed(what) {
    this.dispatchEvent(new CustomEvent('change', { detail: what }));
  }

  // One undoable change: ``edit`` gets a copy of the items and returns the new items.
  apply(name, edit, selection) {
    const before = copy(this.items);
    const after = edit(copy(this.items));
    if (same(before, after)) return false;
    this.done.push({ name, before, after, selectionBefore: [...this.selection], selectionAfter: selection });
    this.undone = [];
    this.items = after;
    if (selection) this.selection = new Set(selection);
    this.prune();
    this.changed('items');
    return true;
  }

  // A drag: live changes while the pointer moves, one command when it is let go.
  begin() {
    this.gesture = copy(this.items);
  }

  live(items) {
    this.items = items;
    this.changed('live');
  }

  end(name) {
    const before = this.gesture;
    this.gesture = null;
    if (before === null || same(before, this.items)) return;
    this.done.push({ name, before, after: copy(this.items), selectionBefore: [...this.selection], selectionAfter: [...this.selection] });
    this.undone = [];
    this.changed('items');
  }

  undo() {
    const command = this.done.pop();
    if (!command) return;
    this.undone.push(command);
    this.items = copy(command.before);
    this.selection = new Set(command.selectionBefore);
    this.prune();
    this.changed('items');
  }

  redo() {
    const command = this.undone.pop();
    if (!command) return;
    this.done.push(command);
    this.items = copy(command.after);
    if (command.selectionAfter) this.selection = new Set(command.selectionAfter);
    this.prune();
    this.changed('items');
  }

  select(indexes, add = false) {
    this.selection = new Set(add ? [...this.selection, ...indexes] : indexes);
    this.prune();
    this.changed('selection');
  }

  toggle(index) {
    if (this.selection.has(index)) this.selection.delete(index);
    else this.selection.add(index);
    this.changed('selection');
  }

  prune() {
    this.selection = new Set([...this.selection].filter((i) => i < this.items.length));
  }

  selected() {
    return [...this.selection].sort((a, b) => a - b);
  }

  add(kind, x, y, rotation = 0) {
    const index = this.items.length;
    this.apply('add', (items) => [...items, { kind, x: round(x), y: round(y), rotation }], [index]);
    return index;
  }

  move(dx, dy) {
    const chosen = this.selection;
    this.apply('move', (items) => items.map((item, i) => (chosen.has(i)
      ? { ...item, x: round(item.x + dx), y: round(item.y + dy) } : item)), [...chosen]);
  }

  rotate(by) {
    const chosen = this.selection;
    this.apply('rotate', (items) => items.map((item, i) => (chosen.has(i)
      ? { ...item, rotation: normalAngle(item.rotation + by) } : item)), [...chosen]);
  }

  set(index, field, value) {
    this.apply('set', (items) => items.map((item, i) => (i === index
      ? { ...item, [field]: field === 'rotation' ? normalAngle(value) : round(value) } : item)), [index]);
  }

  remove() {
    const chosen = this.selection;
    if (!chosen.size) return;
    this.apply('delete', (items) => items.filter((_, i) => !chosen.has(i)), []);
  }

  duplicate(dx = 0.6, dy = -0.6) {
    const chosen = this.selected();
    if (!chosen.length) return;
    const start = this.items.length;
    this.apply('duplicate', (items) => [...items, ...chosen.map((i) => (
      { ...items[i], x: round(items[i].x + dx), y: round(items[i].y + dy) }))],
    chosen.map((_, n) => start + n));
  }

  replaceAll(items) {
    this.apply('arrange', () => copy(items), []);
  }
}
