// The keyboard does it all: Tab between items, arrows move (10 cm, 1 cm with Shift),
// R rotates 15° (Shift+R back), Delete removes, Ctrl+D duplicates, Ctrl+Z / Ctrl+Y undo and redo.

const STEP = 0.1;
const FINE = 0.01;
const TURN = 15;

export function attachKeyboard(root, svg, model, view) {
  // An item that takes the focus becomes the selection (Shift keeps the others).
  svg.addEventListener('focusin', (event) => {
    const node = event.target.closest('.item');
    if (!node) return;
    const index = Number(node.dataset.index);
    if (!model.selection.has(index)) model.select([index], event.shiftKey === true);
  });

  svg.addEventListener('keydown', (event) => {
    const node = event.target.closest('.item');
    const ctrl = event.ctrlKey || event.metaKey;
    const step = event.shiftKey ? FINE : STEP;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (event.key in moves && model.selection.size) {
      model.move(...moves[event.key]);
    } else if ((event.key === 'r' || event.key === 'R') && !ctrl && model.selection.size) {
      model.rotate(event.shiftKey ? -TURN : TURN);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && model.selection.size) {
      const first = model.selected()[0];
      model.remove();
      const next = view.itemElement(Math.min(first, model.items.length - 1));
      (next || svg).focus();
    } else if (node && (event.key === 'Enter' || event.key === ' ')) {
      model.toggle(Number(node.dataset.index));
    } else if (event.key === 'Escape') {
      model.select([]);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Undo, redo and duplicate anywhere in the editor, but not while typing in a field.
  root.addEventListener('keydown', (event) => {
    const ctrl = event.ctrlKey || event.metaKey;
    if (!ctrl || event.target.matches('input, select, textarea')) return;
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) model.undo();
    else if (key === 'y' || (key === 'z' && event.shiftKey)) model.redo();
    else if (key === 'd') model.duplicate();
    else return;
    event.preventDefault();
  });
}
