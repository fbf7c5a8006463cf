"""Rule-based VTIMEZONE components derived from zoneinfo.

icalendar's own `Timezone.from_tzid` lists every transition as an RDATE,
which Outlook misreads; calendar clients expect yearly RRULEs such as
"last Sunday of March at 02:00". We find the zone's transitions by scanning
zoneinfo, group consecutive yearly transitions that follow one rule into a
period, and write one STANDARD or DAYLIGHT sub-component per period: with an
open RRULE when the rule is still in force at the end of the range, with an
RRULE bounded by UNTIL when it stopped, and a single onset when a transition
follows no rule at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from .timeutil import get_zone

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(hours=12)
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Transition:
    """One change of a zone's offset, DST flag or abbreviation."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def wall(self) -> datetime:
        """The local wall time of the change, read with the offset before it."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    def kind(self) -> tuple[timedelta, timedelta, bool, str, int, int]:
        """What two transitions must share to follow one yearly rule."""
        wall = self.wall
        seconds = wall.hour * 3600 + wall.minute * 60 + wall.second
        return (self.offset_from, self.offset_to, self.is_dst, self.name, wall.month, seconds)

    def rules(self) -> set[str]:
        """The yearly RRULE day parts this transition fits, e.g. BYDAY=-1SU."""
        wall = self.wall
        weekday = _WEEKDAYS[wall.weekday()]
        rules = {f"BYMONTHDAY={wall.day}", f"BYDAY={(wall.day - 1) // 7 + 1}{weekday}"}
        if (wall + timedelta(days=7)).month != wall.month:
            rules.add(f"BYDAY=-1{weekday}")
        return rules


@dataclass(frozen=True)
class Period:
    """Consecutive yearly transitions that follow one rule."""

    transitions: tuple[Transition, ...]
    rule: str | None
    open_ended: bool


def vtimezone_for(zone_name: str, start_year: int, end_year: int) -> Timezone:
    """A VTIMEZONE for `zone_name`, exact from start_year to end_year, with yearly RRULEs."""
    zone = get_zone(zone_name)
    component = Timezone()
    component.add("TZID", zone_name)
    periods = _periods(zone_name, start_year, end_year)
    if not periods or periods[0].transitions[0].at > datetime(start_year, 1, 1, tzinfo=UTC):
        component.add_component(_fixed_observance(zone, start_year))
    for period in periods:
        component.add_component(_observance(period))
    return component


def _state(zone: ZoneInfo, at: datetime) -> tuple[timedelta, bool, str]:
    local = at.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname() or ""


def transitions(zone_name: str, start: datetime, end: datetime) -> list[Transition]:
    """The zone's transitions between two UTC instants, found by scanning zoneinfo."""
    zone = get_zone(zone_name)
    found: list[Transition] = []
    cursor, state = start, _state(zone, start)
    while cursor < end:
        following = cursor + _STEP
        next_state = _state(zone, following)
        if next_state != state:
            at = _bisect(zone, cursor, following, state)
            found.append(Transition(at, state[0], *next_state))
        cursor, state = following, next_state
    return found


def _bisect(zone: ZoneInfo, low: datetime, high: datetime, state: tuple) -> datetime:
    """The first second after `low` at which the zone leaves `state`."""
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _state(zone, middle) == state:
            low = middle
        else:
            high = middle
    return high


@lru_cache(maxsize=256)
def _periods(zone_name: str, start_year: int, end_year: int) -> tuple[Period, ...]:
    # A year of margin on each side: the observance in force on 1 January of
    # start_year began the year before, and a rule still in force in the year
    # after end_year is written open-ended.
    start = datetime(start_year - 1, 1, 1, tzinfo=UTC)
    end = datetime(end_year + 2, 1, 1, tzinfo=UTC)
    found = transitions(zone_name, start, end)
    groups: dict[tuple, list[Transition]] = {}
    for item in found:
        groups.setdefault(item.kind(), []).append(item)
    periods = [period for group in groups.values() for period in _split(group, end_year + 1)]
    return tuple(sorted(periods, key=lambda period: period.transitions[0].at))


def _split(group: list[Transition], last_year: int) -> list[Period]:
    """Cut transitions of one kind into runs of consecutive years sharing a rule."""
    periods: list[Period] = []
    run: list[Transition] = []
    rules: set[str] = set()
    for item in group:
        fits = rules & item.rules()
        if run and fits and item.wall.year == run[-1].wall.year + 1:
            run.append(item)
            rules = fits
            continue
        if run:
            periods.append(_period(run, rules, last_year))
        run, rules = [item], item.rules()
    if run:
        periods.append(_period(run, rules, last_year))
    return periods


def _period(run: list[Transition], rules: set[str], last_year: int) -> Period:
    open_ended = run[-1].wall.year >= last_year
    if len(run) == 1 and not open_ended:
        return Period(tuple(run), None, False)
    return Period(tuple(run), _preferred(rules), open_ended)


def _preferred(rules: set[str]) -> str:
    """Prefer "last weekday", then "nth weekday", then a fixed day of the month."""
    return sorted(rules, key=lambda rule: ("-1" not in rule, "MONTHDAY" in rule, rule))[0]


def _observance(period: Period) -> TimezoneStandard | TimezoneDaylight:
    first, last = period.transitions[0], period.transitions[-1]
    observance = TimezoneDaylight() if first.is_dst else TimezoneStandard()
    observance.add("TZNAME", first.name)
    observance.add("TZOFFSETFROM", first.offset_from)
    observance.add("TZOFFSETTO", first.offset_to)
    observance.add("DTSTART", first.wall)
    if period.rule is not None:
        observance.add("RRULE", vRecur.from_ical(_rrule_text(period, first, last)))
    return observance


def _rrule_text(period: Period, first: Transition, last: Transition) -> str:
    text = f"FREQ=YEARLY;BYMONTH={first.wall.month};{period.rule}"
    if not period.open_ended:
        text += f";UNTIL={last.at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    return text


def _fixed_observance(zone: ZoneInfo, year: int) -> TimezoneStandard | TimezoneDaylight:
    """A zone with no change in the range: one observance in force since 1970."""
    offset, is_dst, name = _state(zone, datetime(year, 1, 1, tzinfo=UTC))
    observance = TimezoneDaylight() if is_dst else TimezoneStandard()
    observance.add("TZNAME", name)
    observance.add("TZOFFSETFROM", offset)
    observance.add("TZOFFSETTO", offset)
    observance.add("DTSTART", _EPOCH)
    return observance
