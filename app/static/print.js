// The set-up sheet's Print button: shown only where JavaScript runs, it opens the print dialog.
for (const button of document.querySelectorAll("button.print-sheet")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
