// The site menu folds behind a disclosure button on narrow screens.
// Without this script the button stays hidden and the menu stays open, so the
// navigation works without JavaScript too.

const header = document.querySelector("header.site");
const toggle = header?.querySelector(".menu-toggle");
const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));

function setOpen(open) {
  toggle.setAttribute("aria-expanded", String(open));
  menu.classList.toggle("open", open);
}

if (toggle && menu) {
  header.classList.add("has-menu");
  toggle.hidden = false;
  setOpen(false);
  toggle.addEventListener("click", () => {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
}
