// The poster's Print button (no inline handlers under the CSP).
document.getElementById('print-poster')?.addEventListener('click', () => window.print());
