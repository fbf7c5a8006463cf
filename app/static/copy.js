// "Copy the address" beside a read-only address (a calendar feed): one tap on a phone,
// where selecting a long URL by hand is fiddly. Without this script the field stays
// selectable and the button stays hidden.

for (const button of document.querySelectorAll("button.copy")) {
  const field = button.parentElement.querySelector("input[readonly]");
  if (!field || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.setAttribute("aria-live", "polite");
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 3000);
    } catch {
      // Refused (no permission): the address stays selected for the person to copy.
    }
  });
}
for (const field of document.querySelectorAll(".feed-links input[readonly]")) {
  field.addEventListener("focus", () => field.select());
}
