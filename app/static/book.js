// The booking form, live: as it is filled in, ask the API whether the booking would go
// through (POST /api/v1/bookings/check, the body of a create) and say so in #check;
// show what the chosen layout holds. The form works without this script: the server
// makes the same check when it is sent.

const form = document.getElementById("booking-form");
const region = document.getElementById("check");
const WAIT_MS = 400;
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

function field(name) {
  return form.elements.namedItem(name);
}

function message(key, values = {}) {
  const template = region.dataset[key] || "";
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// --- repeat: show the end that applies -------------------------------------------------

function showRepeatEnds() {
  const repeats = field("repeat").value !== "none";
  document.getElementById("repeat-end").classList.toggle("is-hidden", !repeats);
  const byDate = field("ends").value === "until";
  form.querySelector(".ends-count").classList.toggle("is-hidden", byDate);
  form.querySelector(".ends-until").classList.toggle("is-hidden", !byDate);
}

// --- capacity next to the layout select -----------------------------------------------

const capacities = JSON.parse(form.dataset.capacities);

function capacityOfChoice() {
  return capacities[field("layout_id").value] ?? capacities["0"];
}

function showCapacity(capacity = capacityOfChoice()) {
  document.getElementById("layout-capacity").textContent =
    message("msgCapacity", { num: capacity });
}

// --- the branch's wall time as an instant with its offset -----------------------------

function zoneOffsetMinutes(zone, instant) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"),
                        part("minute"), part("second"));
  return Math.round((wall - instant) / 60000);
}

function rfc3339(day, time, zone) {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let offset = zoneOffsetMinutes(zone, wall);
  offset = zoneOffsetMinutes(zone, wall - offset * 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${day}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// The same rule as app/services/booking_times.repeat_rule, which the server uses on submit.
function repeatRule(repeat, day, ends, count, until) {
  if (repeat === "none") return null;
  let head = repeat === "fortnightly" ? "FREQ=WEEKLY;INTERVAL=2" : "FREQ=WEEKLY";
  if (repeat === "monthly") {
    const [y, m, d] = day.split("-").map(Number);
    const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
    const nth = Math.floor((d - 1) / 7) + 1;
    head = `FREQ=MONTHLY;BYDAY=${nth === 5 ? -1 : nth}${WEEKDAYS[weekday]}`;
  }
  if (ends === "until") return until ? `${head};UNTIL=${until.replaceAll("-", "")}` : null;
  return count ? `${head};COUNT=${count}` : null;
}

function requestBody() {
  const value = (name) => (field(name) ? field(name).value.trim() : "");
  const [day, start, end, attendees] = ["day", "start", "end", "attendees"].map(value);
  if (!day || !start || !end || !(Number(attendees) >= 1)) return null;
  const zone = form.dataset.zone;
  const body = {
    room_id: Number(form.dataset.roomId),
    title: value("title") || "-",
    attendees: Number(attendees),
    start: rfc3339(day, start, zone),
    end: rfc3339(day, end, zone),
  };
  const association = Number(value("association_id"));
  if (association) body.association_id = association;
  const layout = Number(value("layout_id"));
  if (layout) body.layout_id = layout;
  const repeat = value("repeat");
  if (repeat !== "none") {
    const rrule = repeatRule(repeat, day, value("ends"), value("count"), value("until"));
    if (!rrule) return null;
    body.recurrence = { rrule };
  }
  // Staff only: a rule stretched on record (the field is not on members' forms).
  const stretched = value("stretch_rule");
  if (stretched) body.exceptions = [{ rule: stretched, reason: value("stretch_reason") || "-" }];
  return body;
}

// --- what the check says --------------------------------------------------------------

function when(startText, endText) {
  const zone = form.dataset.zone;
  const given = document.documentElement.lang || "en";
  const lang = given === "en" ? "en-GB" : given; // a Danish library writes English the British way
  const day = new Intl.DateTimeFormat(lang, {
    timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit",
  });
  const time = new Intl.DateTimeFormat(lang, { timeZone: zone, hour: "2-digit", minute: "2-digit" });
  return `${day.format(new Date(startText))}–${time.format(new Date(endText))}`;
}

function shiftedDay(day, from, to) {
  const ms = (text) => Date.parse(`${text}T00:00:00Z`);
  return new Date(ms(day) + ms(to) - ms(from)).toISOString().slice(0, 10);
}

// A series keeps its first date: the alternative moves it as it moves the taken date.
function bookingLink(alternative, takenDay) {
  const url = new URL(form.dataset.bookPattern.replace("999999999", alternative.room_id),
                      window.location.href);
  const keep = ["association_id", "title", "attendees", "repeat", "ends", "count", "until"];
  for (const name of keep) {
    const value = field(name) ? field(name).value : "";
    if (value) url.searchParams.set(name, value);
  }
  url.searchParams.set("layout_id", alternative.layout_id ?? 0);
  const altDay = alternative.start.slice(0, 10);
  url.searchParams.set("day", takenDay ? shiftedDay(field("day").value, takenDay, altDay) : altDay);
  url.searchParams.set("start", alternative.start.slice(11, 16));
  url.searchParams.set("end", alternative.end.slice(11, 16));
  return url.pathname + url.search;
}

function alternativesList(id, alternatives, withTime, takenDay = null) {
  const list = element("ul", { id });
  for (const a of alternatives) {
    const link = element("a", { href: bookingLink(a, takenDay) }, a.room_name);
    const item = element("li", {}, link, ` (${message("msgHolds", { num: a.capacity })})`);
    if (withTime) item.append(`, ${when(a.start, a.end)}`);
    list.append(item);
  }
  return list;
}

function render(answer) {
  const nodes = [];
  const taken = answer.dates.filter((d) => !d.free);
  const total = answer.dates.length;
  for (const error of answer.errors) {
    nodes.push(element("p", { class: "form-error" }, error.message));
  }
  if (taken.length) {
    const box = element("div", { id: "conflict" }, element("h2", {}, message("msgTakenHeading")));
    if (total > 1) {
      box.append(element("p", {}, message("msgSomeFree", { free: total - taken.length, num: total })));
    }
    box.append(element("p", {}, message("msgTakenList")));
    const list = element("ul", { class: "taken", id: "taken-dates" });
    for (const d of taken) {
      const reasons = [...d.clashes.map((t) => t || message("msgBooked")), ...d.problems];
      const item = element("li", {}, element("time", { datetime: d.start.slice(0, 10) },
                                              when(d.start, d.end)));
      for (const reason of reasons) item.append(`: ${reason}`);
      list.append(item);
    }
    box.append(list);
    if (taken.length < total && !answer.errors.length) {
      box.append(element("button", {
        type: "submit", form: "booking-form", name: "skip_dates", id: "only-free",
        value: taken.map((d) => d.start.slice(0, 10)).join(","),
      }, message("msgOnlyFree", { num: total - taken.length })));
    }
    if (answer.suggestions.length) {
      box.append(element("p", {}, message("msgSuggestions")),
                 alternativesList("suggestions", answer.suggestions, true,
                                  taken.find((d) => d.clashes.length)?.start.slice(0, 10)));
    }
    nodes.push(box);
  } else if (!answer.errors.length) {
    nodes.push(element("p", {}, total > 1 ? message("msgAllFree", { num: total })
                                          : message("msgOneFree")));
  }
  if (answer.small_group) {
    const hint = element("div", { id: "small-group" }, element("p", {},
      message("msgSmall", { num: answer.attendees, capacity: answer.capacity })));
    if (answer.smaller_rooms.length) {
      hint.append(element("p", {}, message("msgSmaller")),
                  alternativesList("smaller-rooms", answer.smaller_rooms, false));
    }
    nodes.push(hint);
  }
  region.replaceChildren(...nodes);
  region.dataset.checked = "1";
  showCapacity(answer.capacity);
}

function renderProblem(problem) {
  const errors = problem.errors || [];
  const texts = errors.length ? errors.map((e) => e.message) : [problem.detail || message("msgFailed")];
  region.replaceChildren(...texts.map((t) => element("p", { class: "form-error" }, t)));
}

// --- asking ---------------------------------------------------------------------------

let timer = null;
let asked = 0;

async function check() {
  const body = requestBody();
  if (!body) return;
  const mine = ++asked;
  region.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(form.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content,
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (mine !== asked) return; // a later check is on its way
    if (response.ok) render(answer);
    else renderProblem(answer);
  } catch {
    if (mine === asked) region.replaceChildren(element("p", {}, message("msgFailed")));
  } finally {
    if (mine === asked) region.removeAttribute("aria-busy");
  }
}

function later() {
  clearTimeout(timer);
  timer = setTimeout(check, WAIT_MS);
}

if (form && region) {
  showRepeatEnds();
  form.addEventListener("input", later);
  form.addEventListener("change", (event) => {
    if (["repeat", "ends"].includes(event.target.name)) showRepeatEnds();
    if (event.target.name === "layout_id") showCapacity();
    later();
  });
  if (!region.dataset.checked) check();
}
