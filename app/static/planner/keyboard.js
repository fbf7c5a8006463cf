// The keyboard does it all: Tab between items, arrows move (10 cm, 1 cm with Shift),
// R rotates 15° (Shift+R back), Delete removes, Ctrl+D duplicates, Ctrl+Z / Ctrl+Shift+Z
// (or Ctrl+Y) undo and redo, Ctrl+A selects all, Escape selects nothing; with nothing
// selected the arrows pan, and + / - zoom, 0 shows the whole room.
//
// Focus selects the focused item, until Space keeps the selection: then Tab only moves
// the focus, and Space adds or removes the focused item, so several can be chosen.

const STEP = 0.1;
const FINE = 0.01;
const TURN = 15;
const PAN = 0.1; // of the view's width per press
const ZOOM = 1.25;

export function attachKeyboard(root, svg, model, view) {
  let keeping = false;
  let pointing = false;

  svg.addEventListener('focusin', (event) => {
    const node = event.target.closest('.item');
    if (!node) return;
    const index = Number(node.dataset.index);
    if (!pointing) view.reveal(model.items[index]);
    if (!keeping && !model.selection.has(index)) model.select([index]);
  });

  // A click chooses afresh; a Shift-click builds a selection that Tab then keeps. The view
  // stays still under a pointer (only the keyboard's focus pans it to the item).
  svg.addEventListener('pointerdown', (event) => {
    keeping = event.shiftKey;
    pointing = true;
  });
  for (const type of ['pointerup', 'pointercancel']) {
    svg.addEventListener(type, () => {
      pointing = false;
    });
  }

  function keep(index) {
    if (keeping) {
      model.toggle(index);
      return;
    }
    keeping = true;
    if (!model.selection.has(index)) model.select([index], true);
  }

  // Pan (arrows, a tenth as far with Shift) and zoom; true if the key was one of those.
  function changeView(key, shift) {
    const by = view.box.w * PAN * (shift ? 0.1 : 1);
    const pans = { ArrowLeft: [by, 0], ArrowRight: [-by, 0], ArrowUp: [0, -by], ArrowDown: [0, by] };
    if (key in pans) view.pan(...pans[key]);
    else if (key === '+' || key === '=') view.zoom(ZOOM);
    else if (key === '-' || key === '_') view.zoom(1 / ZOOM);
    else if (key === '0') view.fit();
    else return false;
    return true;
  }

  svg.addEventListener('keydown', (event) => {
    const node = event.target.closest('.item');
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const step = event.shiftKey ? FINE : STEP;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (event.key in moves && model.selection.size) {
      model.move(...moves[event.key]);
      if (node) view.reveal(model.items[Number(node.dataset.index)]);
    } else if ((event.key === 'r' || event.key === 'R') && model.selection.size) {
      model.rotate(event.shiftKey ? -TURN : TURN);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && model.selection.size) {
      const first = model.selected()[0];
      keeping = false;
      model.remove();
      const next = view.itemElement(Math.min(first, model.items.length - 1));
      (next || svg).focus();
    } else if (node && (event.key === 'Enter' || event.key === ' ')) {
      keep(Number(node.dataset.index));
    } else if (event.key === 'Escape') {
      keeping = false;
      model.select([]);
    } else if (!changeView(event.key, event.shiftKey)) {
      return;
    }
    event.preventDefault();
  });

  // Undo, redo, duplicate and select all anywhere in the editor, but not while typing.
  root.addEventListener('keydown', (event) => {
    const ctrl = event.ctrlKey || event.metaKey;
    if (!ctrl || event.target.matches('input, select, textarea')) return;
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) model.undo();
    else if (key === 'y' || (key === 'z' && event.shiftKey)) model.redo();
    else if (key === 'd') model.duplicate();
    else if (key === 'a' && event.target.closest('#plan')) {
      keeping = true;
      model.select(model.items.map((_, i) => i));
    } else return;
    event.preventDefault();
  });
}
