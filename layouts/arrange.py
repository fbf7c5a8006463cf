"""Auto-arrange: furniture for a style, filling any polygon within the rule pack.

Each style is generated in a frame where the front of the room is at the top
(+y); the room is turned to each of four orientations, a few offsets are tried,
and the valid one with the most places wins. Candidates are validated most places first
(table styles by the places they keep once their wheelchair spaces are placed), each set
of items once, where the furniture stands checked before the costly rules, until no
later candidate can do better.
Theatre rows come from the plans of ``layouts.theatre`` (front gap, aisles, blocks,
where the wheelchair spaces go), built and validated most places first.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon
from shapely.ops import polylabel, unary_union
from shapely.strtree import STRtree

from layouts.capacity import Capacity, compute_capacity, room_capacity
from layouts.catalogue import CATALOGUE
from layouts.layout import Item, Layout, footprint, footprints, rotated_boxes
from layouts.room import RoomShape
from layouts.rulepacks import RulePack
from layouts.theatre import (
    FRONT_GAPS,
    Block,
    Plan,
    Surroundings,
    Unit,
    bands_free_spans,
    best_by_parts,
    best_first,
    blocks_for,
    part_surveys,
    parts,
    parts_ceiling,
    ranked,
    rough_ceiling,
    survey,
)
from layouts.validate import (
    Violation,
    door_zone,
    placement_violations,
    route_violations,
    validate_layout,
)

STYLES = ("theatre", "classroom", "boardroom", "u_shape", "banquet", "cabaret", "standing")
FRONT_GAP = 1.5
WALL_GAP = 0.05
PASSAGE = 0.9
CHAIR = CATALOGUE["chair"]


class ArrangeError(ValueError):
    """An arrangement that cannot be made (unknown style, bad target)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.errors = [{"field": "style", "code": "cannot_arrange", "message": message}]


@dataclass(frozen=True)
class Arrangement:
    """A proposed layout, its capacity and what limited it."""

    layout: Layout
    capacity: Capacity
    limited_by: str
    explanation: str


@dataclass(frozen=True)
class Frame:
    """The room turned so that its front is at the top, and the way back."""

    angle: float
    origin: tuple[float, float]
    usable: Polygon
    outline: Polygon
    walkable: Polygon
    # What the makers work out from the frame alone, once for all offsets and makers.
    found: dict = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def standing_room(self) -> Polygon:
        """The usable floor, less the wall gap, as a ``covers`` test wants it (prepared:
        the table styles ask it about hundreds of boxes)."""
        room = self.usable.buffer(WALL_GAP + 0.01)
        shapely.prepare(room)
        return room

    @functools.cached_property
    def walking_room(self) -> Polygon:
        """The floor people may walk on (door zones included, pillars not), prepared."""
        floor = self.walkable.buffer(0.01)
        shapely.prepare(floor)
        return floor

    def back(self, item: Item) -> Item:
        """An item placed in the frame, turned back into the room's coordinates."""
        turn = math.radians(self.angle)
        cos, sin = math.cos(turn), math.sin(turn)
        dx, dy = item.x - self.origin[0], item.y - self.origin[1]
        return Item(item.kind, round(self.origin[0] + dx * cos - dy * sin, 3),
                    round(self.origin[1] + dx * sin + dy * cos, 3),
                    round((item.rotation + self.angle) % 360, 2))


def arrange(room: RoomShape, style: str, rules: RulePack,
            attendees: int | None = None) -> Arrangement:
    """The best valid layout of ``style`` in the room, stopping at ``attendees`` if given."""
    if style not in STYLES:
        raise ArrangeError(f"style is one of {', '.join(STYLES)}")
    if attendees is not None and attendees < 1:
        raise ArrangeError("attendees must be at least 1")
    target = _target(room, style, rules, attendees)
    with _verdicts():
        if style in TABLE_STYLES:
            layout = best_of(room, style, rules, target, _candidates(room, style, rules),
                             estimate=_Estimates(room, rules, style, target))
        else:
            candidates = (theatre_candidates(room, rules, share=AT_LEAST_OF_NEXT, target=target)
                          if style == "theatre" else _candidates(room, style, rules))
            layout = best_of(room, style, rules, target, candidates)
            if style == "theatre" and not layout.items:
                layout = best_of(room, style, rules, target, _one_part_candidates(room, rules))
    capacity = compute_capacity(room, layout, rules)
    limited_by, explanation = _explain(layout, capacity, attendees, style)
    return Arrangement(layout, capacity, limited_by, explanation)


@contextlib.contextmanager
def _verdicts() -> Iterator[None]:
    """While in force, each set of items is validated once: trimming, placing spaces,
    pruning and cutting ask about the same items again and again."""
    token, by_set = _VERDICTS.set({}), _BY_SET.set({})
    try:
        yield
    finally:
        _VERDICTS.reset(token)
        _BY_SET.reset(by_set)


_VERDICTS: ContextVar[dict[tuple[Item, ...], tuple[bool, list[Violation]]] | None] = ContextVar(
    "verdicts", default=None)
# The errors of each set of items validated: whether in full, in which order, and which.
_BY_SET: ContextVar[dict[frozenset[Item], tuple[bool, tuple[Item, ...], list[Violation]]]
                    | None] = ContextVar("by_set", default=None)


def _validations() -> int:
    """How many sets of items this arrangement has validated in full."""
    memo = _VERDICTS.get()
    # The memo keeps other things of the room too (door zones, floor): verdicts only.
    return sum(1 for found in memo.values() if isinstance(found, tuple) and found[0] is True
               ) if memo is not None else 0


def _reordered(errors: list[Violation], order: tuple[Item, ...],
               now: tuple[Item, ...]) -> list[Violation]:
    """Errors found in items in one order, their items numbered as in another."""
    where = {item: index for index, item in enumerate(now)}
    return [replace(v, items=tuple(where[order[i]] for i in v.items)) for v in errors]


def _errors(room: RoomShape, items: Iterable[Item], rules: RulePack,
            complete: bool = False, route_first: bool = False) -> list[Violation]:
    """The errors ``validate_layout`` finds in a layout of these items (it does not depend
    on the layout's name or style), remembered within one arrangement. Unless
    ``complete``, where items stand off the floor, on each other or in a door's zone only
    those errors: the layout is invalid, and no pruning mends it (they are not
    ``PRUNABLE``), so the rest of the validation is not worth its cost. ``route_first``
    (rows of chairs: a theatre), before those, the errors of row lengths, of the route to
    the doors and of the turning circle, worked out with each piece of row as one shape
    (``route_violations``) if there are any: only those, which pruning may mend without
    a full validation."""
    key = tuple(items)
    memo = _VERDICTS.get()
    if memo is not None and (found := memo.get(key)) is not None and (
            not complete or found[0]):
        return found[1]
    by_set = _BY_SET.get()
    if by_set is not None and (seen := by_set.get(frozenset(key))) is not None and (
            not complete or seen[0]) and len(seen[1]) == len(key):
        # The same items in another order (a theatre's rows trimmed from either end,
        # where no trimming was needed): the same errors, told by the new order.
        return _reordered(seen[2], seen[1], key)
    layout = Layout("trial", "custom", key)
    # Theatre rows stand on the usable floor by construction, but many strand row ends:
    # the look at the route first, the placement after it.
    if not complete and route_first and (route := route_violations(room, layout, rules)):
        if memo is not None:
            memo[key] = (False, route)
        if by_set is not None:
            by_set.setdefault(frozenset(key), (False, key, route))
        return route
    if not complete and (placement := placement_violations(room, layout)):
        if memo is not None:
            memo[key] = (False, placement)
        if by_set is not None:
            by_set.setdefault(frozenset(key), (False, key, placement))
        return placement
    errors = [v for v in validate_layout(room, layout, rules) if v.severity == "error"]
    if memo is not None:
        memo[key] = (True, errors)
    if by_set is not None:
        by_set[frozenset(key)] = (True, key, errors)
    return errors


TABLE_STYLES = ("classroom", "boardroom", "u_shape", "banquet", "cabaret")


class _Estimates:
    """The places a candidate keeps once trimmed to the target with its wheelchair spaces
    where the floor has them (what ``_fit`` makes of it where that validates), worked out
    once per candidate without validating: the order in which to validate candidates, and
    when to stop."""

    def __init__(self, room: RoomShape, rules: RulePack, style: str, target: int) -> None:
        self.room, self.rules, self.style, self.target = room, rules, style, target
        self.found: dict[frozenset[Item], int] = {}

    def __call__(self, items: list[Item]) -> int:
        key = frozenset(items)
        if key not in self.found:
            trimmed = _spaces_as_needed(_trim(items, self.target), self.rules)
            seats = sum(1 for i in trimmed if i.furniture.is_seat)
            needed = self.rules.wheelchair_spaces_required(seats) - sum(
                1 for i in trimmed if i.kind == "wheelchair_space")
            if needed > 0:
                placed = _placed_cheapest_first(self.room, trimmed, needed)
                # Without its spaces a candidate is only ever a fallback (but where pruning
                # leaves fewer seats, which ask for fewer spaces): after the others.
                if placed is None:
                    self.found[key] = 0
                    return 0
                trimmed = placed
            self.found[key] = _places(trimmed)
        return self.found[key]


PATIENCE = 30
PER_PART = 6
UNPROVEN = 3


def best_of(room: RoomShape, style: str, rules: RulePack, target: int,
            candidates: Iterable[list[Item]], patience: int | None = PATIENCE,
            estimate: Callable[[list[Item]], int] | None = None) -> Layout:
    """The valid layout with the most places (at most ``target``) among candidates that come
    most places first; stops as soon as no later candidate can do better, or after
    ``patience`` candidates (each is validated, and an odd room may offer thousands), or
    three times as many while none has proved valid (plans of the parts of an L put
    together may fail, one after the other, where their aisles do not meet).

    A seated layout counts only with the wheelchair spaces its seats need (theatre plans
    offer them, other styles swap chairs for them where there is room, and pruning after
    validation may take some away); the best without them is kept only if no candidate
    has them, or if those that have them hold less than ``WITH_SPACES_AT_LEAST`` of its
    places (its capacity then warns of the missing spaces).

    With ``estimate`` (the places a candidate keeps once its spaces are placed), best_of
    takes the candidates most estimated places first itself, and the search stops once
    the best holds as many as the next candidate's estimate rather than its chairs, less
    the fewest places that pruning after validation took from any candidate tried (those
    lost to a route the estimate cannot see: candidates alike lose alike, and each tried
    costs validations), but never less than ``AT_LEAST_OF_NEXT`` of that estimate (or one
    place short of it, where that is less) unless, in a room without pillars, a candidate
    with the same estimate and chairs was tried (then less what pruning took from that
    one);
    with ``patience=None`` it never stops before a candidate's own places say it cannot do
    better. A theatre (with patience) stops once the best holds ``AT_LEAST_OF_NEXT`` of
    what the next candidate, or any after it (its ``ceiling``, where it has one), holds;
    its patience counts full validations, not candidates.
    """
    name = f"{style.replace('_', ' ').title()} (auto)"
    best: tuple[int, Layout] | None = None
    fallback: Layout | None = None
    limit = None if patience is None else UNPROVEN * patience
    # Theatre candidates are looked over cheaply before any full validation (their route
    # to the doors first): their patience counts full validations, and only a cap on
    # candidates keeps the search from looking over thousands.
    if style == "theatre" and patience is not None:
        limit = CANDIDATES_PER_VALIDATION * UNPROVEN * patience
    validated_before = _validations() if style == "theatre" else 0
    shortfall = 0
    # What pruning took from the candidates tried, by their estimate and chairs: a
    # candidate like one tried (the same plan shifted or turned) loses as much, but where
    # a pillar stands, shifted alike plans meet it differently.
    lost: dict[tuple[int, int], int] = {}
    # Those of candidates that no fit saved: in a bare rectangle, a candidate alike to one
    # of them (the same plan turned half round) fails too, and is not validated.
    failed: set[tuple[int, int]] = set()
    alike_lose_alike = not room.obstacles
    minx, miny, maxx, maxy = room.outline.bounds
    alike_fail_alike = alike_lose_alike and abs(
        room.outline.area - (maxx - minx) * (maxy - miny)) < 1e-6

    def passed(candidate: list[Item]) -> bool:
        """Whether the search already goes past this candidate whatever its estimate (at
        most its chairs, trimmed to the target): the best holds as much, and it could not
        be the fallback either. Once true it stays true, as the best only grows."""
        return best is not None and best[0] >= min(_places(candidate), target) and not (
            fallback is None and best[0] < WITH_SPACES_AT_LEAST * _places(candidate))

    if estimate is not None and patience is not None:
        pool = list(_distinct(candidates))
        candidates = _most_estimated_first(pool, estimate, target, passed) if (
            len(pool) <= patience) else sorted(pool, key=lambda c: (-estimate(c), -_places(c)))
    for tried, candidate in enumerate(itertools.islice(_distinct(candidates), limit)):
        bound = _places(candidate) if estimate is None or patience is None else estimate(
            candidate)
        alike = (bound, _places(candidate))
        enough = bound - lost[alike] if alike_lose_alike and alike in lost else max(
            bound - shortfall, min(math.ceil(AT_LEAST_OF_NEXT * bound), bound - 1))
        spent = tried
        if style == "theatre" and patience is not None:
            # What validates of a theatre candidate never holds more than its places, nor
            # does any after it more than its ceiling: a best with this share of both
            # has that share of any.
            enough = math.ceil(AT_LEAST_OF_NEXT * max(bound, getattr(candidate, "ceiling", 0)))
            spent = _validations() - validated_before
            if best is None and spent >= UNPROVEN * patience:
                break
        if best is not None and (best[0] >= min(enough, target) or (
                patience is not None and spent >= patience)):
            if estimate is None or patience is None:
                break
            # Estimated candidates come with their spaces first: past the stop, only one
            # whose spaces do not fit, holding over twice the best's places, may still be
            # the answer (see below).
            if not (fallback is None and bound < _places(candidate)
                    and best[0] < WITH_SPACES_AT_LEAST * _places(candidate)):
                continue
        if not candidate:
            # Nothing to validate: an empty layout is what is returned when none is found.
            continue
        if estimate is not None and patience is not None and alike_fail_alike and (
                alike in failed):
            # The same plan turned (a U facing the other way): it fails as that one did.
            continue
        layout = _fit(room, Layout(name, style, tuple(candidate)), rules, target)
        if layout is None:
            failed.add(alike)
            continue
        if style != "standing" and not _has_spaces(layout, rules):
            fallback = fallback or layout
            continue
        places = _places(list(layout.items))
        if estimate is not None and patience is not None:
            shortfall = min(shortfall, max(0, bound - places)) if best else max(0, bound - places)
            lost[alike] = min(lost.get(alike, bound), max(0, bound - places))
        if best is None or places > best[0]:
            best = (places, layout)
        if places >= target or (style == "theatre" and patience is not None and best[0] >= min(
                math.ceil(AT_LEAST_OF_NEXT * getattr(candidate, "ceiling", math.inf)), target)):
            break
    if best is None or (fallback is not None and best[0] < WITH_SPACES_AT_LEAST * _places(
            list(fallback.items))):
        return fallback or Layout(name, style, ())
    return best[1]


WITH_SPACES_AT_LEAST = 0.5
CANDIDATES_PER_VALIDATION = 8

# Past what pruning took, the search still stops only once the best holds this much of
# the next candidate's estimate.
AT_LEAST_OF_NEXT = 0.98


def _most_estimated_first(candidates: list[list[Item]], estimate: Callable[[list[Item]], int],
                          target: int, passed: Callable[[list[Item]], bool]
                          ) -> Iterator[list[Item]]:
    """The candidates most estimated places first (then most places, then in the order
    given), as sorting them by their estimates would give, but each estimated only once it
    may come next: its places, trimmed to the target, bound its estimate (a wheelchair
    space takes the floor of one chair at least), so one whose bound falls short of an
    estimate already known waits. One the search has ``passed`` by the time it may come
    next is left out unestimated (most are: the search stops after a few)."""
    queue = [(-min(_places(c), target), -_places(c), n, False) for n, c in enumerate(candidates)]
    heapq.heapify(queue)
    while queue:
        _, most, n, known = heapq.heappop(queue)
        if known:
            yield candidates[n]
        elif not passed(candidates[n]):
            heapq.heappush(queue, (-estimate(candidates[n]), most, n, True))


SPEAKER_DEPTH = 2.5


def _front_rows_last(room: RoomShape, items: list[Item]) -> list[Item]:
    """The theatre's chairs within ``SPEAKER_DEPTH`` of the wall they face moved to the end,
    so that a trim to fewer places than the room holds leaves out those rows first: the
    speaker keeps the floor in front, however the rows stand around pillars and doors."""
    chairs = [item for item in items if item.kind == "chair"]
    turns = {round(item.rotation) % 360 for item in chairs}
    if len(turns) != 1:
        return items
    angle = math.radians(turns.pop())
    ahead = (-math.sin(angle), math.cos(angle))
    front = max(x * ahead[0] + y * ahead[1] for x, y in room.outline.exterior.coords)
    reach = front - SPEAKER_DEPTH - CHAIR.depth / 2

    def in_front(item: Item) -> bool:
        return item.kind == "chair" and item.x * ahead[0] + item.y * ahead[1] > reach

    return [item for item in items if not in_front(item)] + [
        item for item in items if in_front(item)]


def _has_spaces(layout: Layout, rules: RulePack) -> bool:
    """Whether the layout offers the wheelchair spaces its seats need."""
    seats = sum(1 for item in layout.items if item.furniture.is_seat)
    spaces = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    return spaces >= rules.wheelchair_spaces_required(seats)


def _distinct(candidates: Iterable[list[Item]]) -> Iterator[list[Item]]:
    """The candidates less those already seen (plans that differ only where it does not
    matter build the same layout)."""
    seen: set[frozenset[Item]] = set()
    for candidate in candidates:
        key = frozenset(candidate)
        if key not in seen:
            seen.add(key)
            yield candidate


def best_theatre(room: RoomShape, rules: RulePack, front_gaps: tuple[float, ...] = FRONT_GAPS,
                 patience: int | None = PATIENCE, per_part: int = PER_PART) -> Layout:
    """The theatre layout ``arrange`` makes, trying the given front gaps and putting
    together the ``per_part`` best plans of each part of the room (and, with
    ``patience=None``, every candidate that could still beat the best found)."""
    target = _target(room, "theatre", rules, None)
    with _verdicts():
        # Without patience, every candidate in order, as when the search was exhaustive.
        share, enough = (1.0, None) if patience is None else (AT_LEAST_OF_NEXT, target)
        return best_of(room, "theatre", rules, target,
                       theatre_candidates(room, rules, front_gaps, per_part, share, enough),
                       patience)


def _target(room: RoomShape, style: str, rules: RulePack, attendees: int | None) -> int:
    """Places worth laying out: the attendees asked for, never more than the room allows."""
    allowed = room_capacity(room, rules, style).capacity
    return allowed if attendees is None else min(attendees, allowed)


def _fit(room: RoomShape, layout: Layout, rules: RulePack, target: int) -> Layout | None:
    """Trim to the target with wheelchair spaces; keep it only if it validates.

    A theatre first leaves out the rows nearest the wall it faces (the speaker's floor);
    where what remains breaks a rule that leaving out the back rows would not, it leaves
    out the back rows instead.
    """
    orders = [list(layout.items)]
    if layout.style == "theatre" and (speaker := _front_rows_last(room, orders[0])) != orders[0]:
        orders.insert(0, speaker)
    best: Layout | None = None
    for items in orders:
        fitted = _fit_in_order(room, Layout(layout.name, layout.style, tuple(items)), rules,
                               target)
        if fitted is not None and (best is None or _places(list(fitted.items))
                                   > _places(list(best.items))):
            best = fitted
        if best is not None and _places(list(best.items)) >= target:
            break
    return best


def _fit_in_order(room: RoomShape, layout: Layout, rules: RulePack,
                  target: int) -> Layout | None:
    """Trim the items from the end to the target, with wheelchair spaces, and prune.

    Pruning a row that breaks the rules can leave fewer places than asked for, so
    the trim is retried with more headroom until the target is met.
    """
    best: Layout | None = None
    tried: set[tuple[Item, ...]] = set()
    for extra in HEADROOM:
        if layout.style == "theatre" and best is not None and extra < HEADROOM[-1] and (
                extra < 2 * (target - _places(list(best.items)))):
            # Pruning a theatre's rows takes more the more rows there are: headroom below
            # twice what it took would only cost validations of layouts still short.
            continue
        items = list(layout.items)
        if layout.style != "standing":
            items = _trimmed_with_spaces(room, items, rules, layout.style, target + extra)
        if tuple(items) in tried:
            break
        tried.add(tuple(items))
        result = _pruned(room, Layout(layout.name, layout.style, tuple(items)), rules)
        if result is None:
            # Errors pruning cannot mend, or a cut that costs a tenth of the places: more
            # rows kept at the back bring the same rows with them, and cost a validation.
            break
        if best is None or _places(list(result.items)) > _places(list(best.items)):
            best = result
        if (best is not None and _places(list(best.items)) >= target) or len(items) == len(
                layout.items):
            break
    return _cut_to_target(room, best, rules, target) if best is not None else None


HEADROOM = (0, 4, 12, 30, 80)


def _cut_to_target(room: RoomShape, layout: Layout, rules: RulePack, target: int) -> Layout:
    """Drop the surplus chairs at the back if what remains still validates; where a row
    cut short breaks a rule, the rest of that row too (and of the rows before it, up to a
    few)."""
    surplus = _places(list(layout.items)) - target
    if surplus <= 0:
        return layout
    items = _drop_last_chairs(list(layout.items), surplus)
    for _ in range(CUT_ROWS):
        cut = Layout(layout.name, layout.style, tuple(items))
        if not _errors(room, items, rules, route_first=layout.style == "theatre"):
            return cut
        items = _without_last_row(items)
    return layout


CUT_ROWS = 4


def _without_last_row(items: list[Item]) -> list[Item]:
    """The items less the chairs on the line of the last chair (the row it stands in)."""
    chairs = [item for item in items if item.kind == "chair"]
    if not chairs:
        return items

    def line(item: Item) -> tuple[float, float]:
        angle = math.radians(item.rotation)
        return (round(item.rotation % 360, 1),
                round(-math.sin(angle) * item.x + math.cos(angle) * item.y, 2))

    last = line(chairs[-1])
    return [item for item in items if item.kind != "chair" or line(item) != last]


def _pruned(room: RoomShape, layout: Layout, rules: RulePack) -> Layout | None:
    """The layout less the rows that break prunable rules, or None if others are broken
    or the rows to leave out would take more than a tenth of its places (the plan does
    not suit the room; pruning would only leave a stump of it)."""
    items = list(layout.items)
    floor = 0.9 * _places(items)
    for _ in range(4):
        result = Layout(layout.name, layout.style, tuple(items))
        errors = _errors(room, items, rules, route_first=layout.style == "theatre")
        if not errors:
            return result
        prunable = {i for v in errors if v.code in PRUNABLE for i in v.items}
        if len(prunable) < sum(len(v.items) for v in errors) or not prunable:
            return None
        cut_off = {i for v in errors if v.code == "no_accessible_route" for i in v.items}
        items = _without(items, prunable | _row_pieces(items, cut_off))
        if _places(items) < floor:
            return None
        if layout.style in TABLE_STYLES and all(
                v.code == "no_accessible_route" and v.items for v in errors):
            _known_valid(items)
    return None


def _known_valid(items: list[Item]) -> None:
    """Remember, without validating them, that these items have no error: a table layout
    whose only errors were seats no route reaches, less those seats. Every seat stands at
    a table (no rows, no aisles), so taking items away only frees floor: the route reaches
    all it reached, the turning circle still fits, nothing new overlaps or blocks a door.
    (A room without a door, or no route at all, is an error naming no item: not so.)"""
    memo, by_set = _VERDICTS.get(), _BY_SET.get()
    if memo is not None:
        memo[tuple(items)] = (True, [])
    if by_set is not None:
        by_set[frozenset(items)] = (True, tuple(items), [])


PRUNABLE = {"aisle_too_narrow", "row_too_long", "no_accessible_route"}


def _row_pieces(items: list[Item], chairs: set[int]) -> set[int]:
    """The chairs side by side in a row with these (0.5 m apart, facing the same way): a
    row end no route reaches leaves its whole piece of row cut off, not just its last
    chair."""
    if not chairs:
        return set()
    seats = {(round(item.rotation, 1), round(item.x, 2), round(item.y, 2)): index
             for index, item in enumerate(items) if item.kind == "chair"}
    found: set[int] = set()
    for start in chairs:
        item = items[start]
        if item.kind != "chair":
            continue
        turn = math.radians(item.rotation)
        step = (math.cos(turn) * CHAIR.width, math.sin(turn) * CHAIR.width)
        for way in (1, -1):
            n = 1
            while (index := seats.get((round(item.rotation, 1),
                                       round(item.x + way * n * step[0], 2),
                                       round(item.y + way * n * step[1], 2)))) is not None:
                found.add(index)
                n += 1
        found.add(start)
    return found


def _without(items: list[Item], doomed: set[int]) -> list[Item]:
    """The items less the doomed ones."""
    kept = [item for index, item in enumerate(items) if index not in doomed]
    return kept


def _candidates(room: RoomShape, style: str, rules: RulePack) -> Iterator[list[Item]]:
    """Layouts to try, most places first."""
    if style == "theatre":
        yield from theatre_candidates(room, rules)
        return
    if style == "standing":
        yield []
        return
    makers: dict[str, tuple[Callable[[Frame, RulePack, float], list[Item]], ...]] = {
        "classroom": (_classroom, _classroom_with_room_behind), "boardroom": (_boardroom,),
        "u_shape": (_u_shape,), "banquet": (_banquet,), "cabaret": (_cabaret,),
    }
    frames = [_frame(room, angle) for angle in (0, 90, 180, 270)]
    generated = [[frame.back(i) for i in make(frame, rules, shift)]
                 for make in makers[style] for frame in frames for shift in (0.0, 0.25, 0.5)]
    generated.sort(key=lambda items: -sum(i.furniture.places for i in items))
    yield from generated


def theatre_candidates(room: RoomShape, rules: RulePack,
                       front_gaps: tuple[float, ...] = FRONT_GAPS,
                       per_part: int = PER_PART, share: float = 1.0,
                       target: int | None = None) -> Iterator[Ranked]:
    """Theatre layouts of every plan in every orientation, most places first: rows across
    the whole room, and, for a room of several parts (an L), the best plans of each part
    put together. Each comes with the most places any candidate after it can hold: with a
    ``share`` under 1, a plan holding that share of the highest bound left comes as soon as
    it is built (see ``ranked``). The plans of the parts are worked out only once rows
    across the room hold fewer places than they might (or than the ``target``)."""
    frames = [_frame(room, angle) for angle in (0, 90, 180, 270)]
    around = [_surroundings(room, frame) for frame in frames]
    surveys = [survey(frame.usable, rules, front_gaps, near)
               for frame, near in zip(frames, around, strict=True)]
    floors = [parts(frame.outline, frame.usable) for frame in frames]
    surveyed = part_surveys(floors, rules, front_gaps, around)
    streams = [_Stream(((index, items, after) for index, items, after
                        in ranked(surveys, rules, share, progress=True)),
                       rough_ceiling(surveys, rules)),
               _Stream(((index, items, _places(items)) for index, items
                        in best_by_parts(floors, rules, front_gaps, per_part, around, surveyed)),
                       parts_ceiling(surveyed, rules))]
    while live := [stream for stream in streams if not stream.done]:
        idle = [stream for stream in live if stream.head is None]
        ready = [stream for stream in live if stream.head is not None and _places(
            stream.head[1]) >= min(share * _rest(live, stream), target or math.inf)]
        if ready or not idle:
            # The one ready with most places; or, where each has one ahead but none is
            # ready (one that came early holds less than its stream's bound), the one
            # with most places, with the same ceiling.
            stream = max(ready or live, key=lambda found: _places(found.head[1]))
            index, items, after = stream.head
            stream.head, stream.bound = None, after
            yield Ranked([frames[index].back(item) for item in items],
                         max(after, _rest(live, stream)))
        else:
            # Until another's bound is the highest, or the one ahead in another is ready.
            stream = max(idle, key=lambda stream: stream.bound)
            stream.pull(max((other.bound / share if other.head is not None else other.bound
                             for other in live if other is not stream), default=0))


def _rest(streams: list[_Stream], stream: _Stream) -> int:
    """The most places the candidates of the other streams hold."""
    return max((other.bound for other in streams if other is not stream), default=0)


class _Stream:
    """Candidates that come about most places first, each with the most places those
    after it may hold, looked at one ahead only when asked: ``bound`` is the most places
    that any of them not yet taken holds."""

    def __init__(self, found: Iterator[tuple[int, list[Item], int]], bound: int) -> None:
        self.found, self.bound = found, bound
        self.head: tuple[int, list[Item], int] | None = None
        self.done = False

    def pull(self, enough: float = 0) -> None:
        """Look at the next candidate (or find there is none), or stop looking once those
        not yet taken hold fewer than ``enough`` places (where the candidates tell how
        many they may hold as they go: an index under 0)."""
        for found in self.found:
            if found[0] < 0:
                self.bound = found[2]
                if self.bound < enough:
                    return
                continue
            self.head, self.bound = found, max(_places(found[1]), found[2])
            return
        self.done, self.bound = True, 0


class Ranked(list):
    """A theatre candidate's items, and the most places any candidate after it holds."""

    def __init__(self, items: list[Item], ceiling: int) -> None:
        super().__init__(items)
        self.ceiling = ceiling


def _one_part_candidates(room: RoomShape, rules: RulePack) -> Iterator[list[Item]]:
    """Theatre layouts in one part of the room only, the others left bare, most places
    first: where no rows across the room or across its parts validate (a narrow arm of an
    L whose aisles reach no door), the rest of the floor is the way out."""
    frames = [_frame(room, angle) for angle in (0, 90, 180, 270)]
    surveys, owners = [], []
    for index, frame in enumerate(frames):
        pieces = parts(frame.outline, frame.usable)
        if len(pieces) > 1:
            near = _surroundings(room, frame)
            surveys += [survey(piece, rules, FRONT_GAPS, near) for piece in pieces]
            owners += [index] * len(pieces)
    for found, items in best_first(surveys, rules):
        yield [frames[owners[found]].back(item) for item in items]


def _surroundings(room: RoomShape, frame: Frame) -> Surroundings:
    """The floor people may walk on (door zones included) and the door zones, turned into
    the frame."""
    floor = room.outline.difference(unary_union(room.obstacles)) if room.obstacles else (
        room.outline)
    exits = unary_union([door_zone(room, door) for door in room.doors])
    return Surroundings(affinity.rotate(floor, -frame.angle, origin=frame.origin),
                        affinity.rotate(exits, -frame.angle, origin=frame.origin))


def _frame(room: RoomShape, angle: float) -> Frame:
    origin, usable, floor = _unturned(room)
    return Frame(
        angle=angle,
        origin=origin,
        usable=affinity.rotate(usable, -angle, origin=origin),
        outline=affinity.rotate(room.outline, -angle, origin=origin),
        walkable=affinity.rotate(floor, -angle, origin=origin),
    )


def _unturned(room: RoomShape) -> tuple[tuple[float, float], Polygon, Polygon]:
    """What every frame turns: the room's centroid, its usable floor (less the wall gap,
    pillars and door zones) and the floor people may walk on; made once per arrangement,
    not once per turn."""
    memo = _VERDICTS.get()
    key = ("unturned", id(room))
    if memo is not None and key in memo:
        return memo[key]
    origin = (room.outline.centroid.x, room.outline.centroid.y)
    blocked = [o.buffer(WALL_GAP) for o in room.obstacles]
    blocked += [door_zone(room, d).buffer(WALL_GAP) for d in room.doors]
    usable = room.outline.buffer(-WALL_GAP, join_style="mitre")
    if blocked:
        usable = usable.difference(unary_union(blocked))
    floor = room.outline.difference(unary_union(room.obstacles)) if room.obstacles else (
        room.outline)
    if memo is not None:
        memo[key] = (origin, usable, floor)
    return origin, usable, floor


def _classroom(frame: Frame, rules: RulePack, shift: float,
               room_behind: float = 0.0) -> list[Item]:
    """Desks of two (a 1.2 m table, two chairs behind it) in rows from the front down, a
    passage behind each row, in blocks between aisles that line up across all rows; the
    last row with ``room_behind`` of free floor behind its chairs."""
    table = CATALOGUE["table_120x60"]
    depth = table.depth + CHAIR.depth
    pitch = depth + PASSAGE + 0.05
    desk = Unit(table.width, 2)
    _, miny, _, maxy = frame.usable.bounds
    blocks = _widest_blocks(frame, rules, max(1, int((maxy - miny - FRONT_GAP) / pitch)), desk)
    items: list[Item] = []
    top = maxy - FRONT_GAP - shift * pitch
    tops = []
    while top - depth >= miny:
        tops.append(top)
        top -= pitch
    while tops and tops[-1] - depth - miny < room_behind:
        tops.pop()
    found = bands_free_spans(frame.usable, [band for top in tops for band in (
        (top - depth, top), (top - depth - PASSAGE, top - depth))])
    for number, top in enumerate(tops):
        spans, passages = found[2 * number], found[2 * number + 1]
        seat_y = top - table.depth - CHAIR.depth / 2
        starts = [block.start + n * desk.width for block in blocks for n in range(block.units)]
        for a, b in spans:
            for x0 in _reachable_desks([x0 for x0 in starts if a <= x0 and x0 + desk.width <= b],
                                       (a, b), passages, desk.width):
                x = x0 + desk.width / 2
                items += [Item("table_120x60", x, top - table.depth / 2, 0.0),
                          Item("chair", x - 0.3, seat_y, 0.0),
                          Item("chair", x + 0.3, seat_y, 0.0)]
    return items


def _reachable_desks(starts: list[float], span: tuple[float, float],
                     passages: list[tuple[float, float]], width: float) -> list[float]:
    """The desks (their left edges, in order) of one stretch of a row, less those at its
    end where nothing else opens the passage behind them: desks side by side with less
    than a route's width to the walls at both ends, whose passage ends there too (the
    narrow arm of an L, the row cut by the arm's wall), are out of the route's reach; the
    end desk on the wider side gives way to an aisle."""
    a, b = span
    while starts:
        side_by_side = all(right - left < width + 0.01 for left, right in itertools.pairwise(
            starts))
        low, high = starts[0], starts[-1] + width
        behind = next(((c, d) for c, d in passages if c <= low and high <= d), None)
        if not side_by_side or behind is None or max(
                low - a, b - high, low - behind[0], behind[1] - high) >= PASSAGE:
            return starts
        starts = starts[1:] if low - a > b - high else starts[:-1]
    return starts


def _classroom_with_room_behind(frame: Frame, rules: RulePack, shift: float) -> list[Item]:
    """A classroom whose last row leaves a wheelchair space's extra depth and a passage
    behind its chairs: a space in the place of a chair there blocks no one's way."""
    space = CATALOGUE["wheelchair_space"]
    return _classroom(frame, rules, shift, space.depth - CHAIR.depth + PASSAGE + 0.05)


def _widest_blocks(frame: Frame, rules: RulePack, rows: int, unit: Unit) -> list[Block]:
    """The blocks of ``unit`` across the frame that seat the most, aisles sized for ``rows``
    rows: the block planner of the theatre, with or without wall aisles."""
    key = ("blocks", rows, unit)
    if key in frame.found:
        return frame.found[key]
    minx, _, maxx, _ = frame.usable.bounds
    most = int((maxx - minx) / (rules.aisle_min_width + unit.width * (
        rules.max_row_seats_one_aisle // unit.seats))) + 2
    best: list[Block] = []
    for left, right in itertools.product((False, True), repeat=2):
        for count in range(1, most + 1):
            blocks = blocks_for(Plan(FRONT_GAP, left, right, count), minx, maxx, rows, rules,
                                unit)
            if blocks and sum(b.units for b in blocks) > sum(b.units for b in best):
                best = blocks
    frame.found[key] = best
    return best


def _boardroom(frame: Frame, rules: RulePack, shift: float) -> list[Item]:
    """One long table of 1.6 m tables two deep, chairs all round, as long as the floor
    around it leaves a passage: centred in the widest spot of the room or of each part.
    Where none fits with its passage clear of the doors' zones, the passage may cross them;
    where none fits even so, a table one deep (down to a single table and its six chairs)
    wherever on the floor it does."""
    for strict in (True, False):
        best: list[Item] = []
        for n, region in enumerate(_regions(frame)):
            if ("label", n) not in frame.found:
                frame.found["label", n] = polylabel(region, tolerance=0.05)
            centre = frame.found["label", n]
            for rows in (2, 1):
                for count in range(1, 12):
                    items = _long_table(frame, centre.x, centre.y - shift, count, rows, strict)
                    if items is None:
                        break
                    if len(items) > len(best):
                        best = items
        if best:
            return best
    for x, y in _spots(frame, shift, SMALLEST_TABLE):
        if (items := _long_table(frame, x, y, 1, 1, False)) is not None:
            return items
    return []


def _long_table(frame: Frame, cx: float, cy: float, count: int, rows: int,
                strict: bool) -> list[Item] | None:
    """Tables ``count`` long and ``rows`` deep centred on (cx, cy), chairs all round, or
    None where the furniture or the passage around it does not fit."""
    table = CATALOGUE["table_160x80"]
    length, depth = count * table.width, rows * table.depth
    if not _fits_with_passage(frame, shapely.box(cx - length / 2, cy - depth / 2,
                                         cx + length / 2, cy + depth / 2), 0.55, strict):
        return None
    items = [Item("table_160x80", cx - length / 2 + (i + 0.5) * table.width,
                  cy + (j + 0.5 - rows / 2) * table.depth, 0.0)
             for i in range(count) for j in range(rows)]
    items += _chairs_along(cx - length / 2, cx + length / 2, cy - depth / 2, 0.0)
    items += _chairs_along(cx - length / 2, cx + length / 2, cy + depth / 2, 180.0)
    ends = (-0.4, 0.4) if rows == 2 else (0.0,)
    items += [Item("chair", cx - length / 2 - 0.3, cy + dy, 270.0) for dy in ends]
    items += [Item("chair", cx + length / 2 + 0.3, cy + dy, 90.0) for dy in ends]
    return items


def _fits_with_passage(frame: Frame, tables: Polygon, chairs: float, strict: bool,
                       open_front: float | None = None) -> bool:
    """Whether tables, with ``chairs`` of seat depth around them, stand on the usable floor
    (clear of door zones and pillars), with a passage round them: on the usable floor too
    if ``strict`` (room to spare for wheelchair spaces), else on any floor people may walk
    (a door's clear zone included). With ``open_front``, the side towards the front keeps
    that much bare floor instead of chairs."""
    minx, miny, maxx, maxy = tables.bounds
    top = chairs if open_front is None else 0.0
    furniture = shapely.box(minx - chairs, miny - chairs, maxx + chairs, maxy + top)
    if not frame.standing_room.covers(furniture):
        return False
    front = PASSAGE + chairs if open_front is None else max(open_front, PASSAGE)
    passage = shapely.box(minx - chairs - PASSAGE, miny - chairs - PASSAGE, maxx + chairs + PASSAGE,
                  maxy + front)
    return (frame.standing_room if strict else frame.walking_room).covers(passage)


SPOT_STEP = 0.25
# Half the least width of a single 1.6 m table with its chairs: at the ends and both sides
# (boardroom), or behind and at the ends (the smallest U).
SMALLEST_TABLE = (CATALOGUE["table_160x80"].depth + 2 * 0.55) / 2
SMALLEST_U = (CATALOGUE["table_160x80"].depth + 0.55) / 2


def _spots(frame: Frame, shift: float, half_width: float) -> Iterator[tuple[float, float]]:
    """Points on the usable floor, a ``SPOT_STEP`` apart, nearest its widest spot first:
    where a small arrangement is tried when the centre of the room will not take it. None
    where the floor has no spot ``2 * half_width`` across."""
    key = ("inner", half_width)
    if key not in frame.found:
        inner = frame.standing_room.buffer(-half_width)
        shapely.prepare(inner)
        frame.found[key] = inner
    inner = frame.found[key]
    if inner.is_empty:
        return
    minx, miny, maxx, maxy = frame.usable.bounds
    if "centre" not in frame.found:
        frame.found["centre"] = polylabel(max(getattr(frame.usable, "geoms", [frame.usable]),
                                              key=lambda p: p.area), tolerance=0.05)
    centre = frame.found["centre"]
    xs, ys = np.meshgrid(minx + SPOT_STEP * np.arange(int((maxx - minx) / SPOT_STEP) + 1),
                         miny + shift + SPOT_STEP * np.arange(int((maxy - miny) / SPOT_STEP) + 1),
                         indexing="ij")
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(inner, xs, ys)
    xs, ys = xs[inside], ys[inside]
    # Nearest the centre first; a stable sort keeps the grid's order among equals.
    order = np.argsort((xs - centre.x) ** 2 + (ys - centre.y) ** 2, kind="stable")
    yield from zip(xs[order].tolist(), ys[order].tolist(), strict=True)


def _regions(frame: Frame) -> list[Polygon]:
    """Where a table arrangement may centre: the largest piece of usable floor, and each
    part of it (the arms of an L)."""
    if "regions" not in frame.found:
        largest = max(getattr(frame.usable, "geoms", [frame.usable]), key=lambda p: p.area)
        pieces = parts(frame.outline, largest)
        frame.found["regions"] = [largest, *pieces] if len(pieces) > 1 else [largest]
    return frame.found["regions"]


def _chairs_along(x0: float, x1: float, edge_y: float, rotation: float) -> list[Item]:
    """Chairs side by side along a table edge; 0 faces +y (the chairs sit below the edge)."""
    count = int((x1 - x0) / 0.55)
    offset = -0.3 if rotation == 0.0 else 0.3
    spacing = (x1 - x0) / count if count else 0
    return [Item("chair", x0 + (i + 0.5) * spacing, edge_y + offset, rotation)
            for i in range(count)]


def _u_shape(frame: Frame, rules: RulePack, shift: float) -> list[Item]:
    """Tables in a U open towards the front, chairs on the outside, a passage all round the
    tables and chairs (the floor inside the U may hold a pillar), in the room or a part.
    Where none fits with its passage clear of the doors' zones, the passage may cross them;
    where no U fits even so, the smallest: a row of tables (down to one) with chairs behind
    and at both ends, open to the front, wherever on the floor it fits."""
    for strict in (True, False):
        best_u: list[Item] = []
        best_row: list[Item] = []
        for region in _regions(frame):
            minx, miny, maxx, _ = region.bounds
            centre = (minx + maxx) / 2
            bottom = miny + 0.55 + PASSAGE + shift
            for base in range(1, 10):
                # A wider base or longer legs only reach further: stop at the first misfit.
                if (row := _u_of(frame, centre, bottom, base, 0, strict)) is None:
                    break
                best_row = max(best_row, row, key=len)
                for legs in range(1, 10) if base > 1 else ():
                    if (items := _u_of(frame, centre, bottom, base, legs, strict)) is None:
                        break
                    best_u = max(best_u, items, key=len)
        if best_u or best_row:
            return best_u or best_row
    for x, y in _spots(frame, shift, SMALLEST_U):
        if (items := _u_of(frame, x, y, 1, 0, False)) is not None:
            return items
    return []


def _u_of(frame: Frame, centre: float, bottom: float, base: int, legs: int,
          strict: bool) -> list[Item] | None:
    """A U of ``base`` tables across and ``legs`` tables up each side, its base's lower edge
    at ``bottom``, or None where it does not fit with its passage."""
    table = CATALOGUE["table_160x80"]
    width = base * table.width
    left, right = centre - width / 2, centre + width / 2
    top = bottom + table.depth + legs * table.width
    if legs:
        # The three bars stand on the floor if each does.
        envelope = [shapely.box(left, bottom, right, bottom + table.depth),
                    shapely.box(left, bottom, left + table.depth, top),
                    shapely.box(right - table.depth, bottom, right, top)]
        if not (_fits_with_passage(frame, envelope[0], 0.55, strict)
                and all(_fits_with_passage(frame, leg, 0.55, strict, FRONT_GAP)
                        for leg in (shapely.box(left, bottom, left + table.depth, top),
                                    shapely.box(right - table.depth, bottom, right, top)))
                and all(frame.standing_room.covers(bar) for bar in envelope)):
            return None
    elif not _fits_with_passage(frame, shapely.box(left, bottom, right, bottom + table.depth), 0.55,
                                strict, PASSAGE):
        return None
    items = [Item("table_160x80", left + (i + 0.5) * table.width,
                  bottom + table.depth / 2, 0.0) for i in range(base)]
    items += _chairs_along(left, right, bottom, 0.0)
    if not legs:
        y = bottom + table.depth / 2
        return [*items, Item("chair", left - 0.3, y, 270.0), Item("chair", right + 0.3, y, 90.0)]
    for j in range(legs):
        y = bottom + table.depth + (j + 0.5) * table.width
        items.append(Item("table_160x80", left + table.depth / 2, y, 90.0))
        items.append(Item("table_160x80", right - table.depth / 2, y, 90.0))
        items += [Item("chair", left - 0.3, y + dy, 270.0) for dy in (-0.55, 0.0, 0.55)]
        items += [Item("chair", right + 0.3, y + dy, 90.0) for dy in (-0.55, 0.0, 0.55)]
    return items


def _rounds(frame: Frame, rules: RulePack, shift: float, kind: str, chairs: int,
            open_front: bool) -> list[Item]:
    table = CATALOGUE[kind]
    radius = table.width / 2 + CHAIR.depth / 2 + 0.02
    reach = radius + CHAIR.depth / 2
    pitch = 2 * reach + PASSAGE
    minx, miny, maxx, maxy = frame.usable.bounds
    if ("rounds", kind) not in frame.found:
        inner = frame.usable.buffer(-(reach + PASSAGE))
        shapely.prepare(inner)
        frame.found["rounds", kind] = inner
    inner = frame.found["rounds", kind]
    grid: list[tuple[float, float]] = []
    y = maxy - reach - PASSAGE - shift
    while y - reach >= miny:
        x = minx + reach + PASSAGE + shift
        while x + reach <= maxx:
            grid.append((x, y))
            x += pitch
        y -= pitch
    if not grid or inner.is_empty:
        return []
    # The centres the inset floor covers (a point on its edge too), tested all at once.
    inside = shapely.intersects_xy(inner, [x for x, _ in grid], [y for _, y in grid])
    items: list[Item] = []
    for (x, y), fits in zip(grid, inside.tolist(), strict=True):
        if fits:
            items.append(Item(kind, x, y, 0.0))
            items += _chairs_round(x, y, radius, chairs, open_front)
    return items


def _chairs_round(x: float, y: float, radius: float, count: int, open_front: bool) -> list[Item]:
    span, start = (240.0, 150.0) if open_front else (360.0, 90.0)
    step = span / count
    chairs = []
    for n in range(count):
        phi = math.radians(start + (n + 0.5) * step)
        chairs.append(Item("chair", x + radius * math.cos(phi), y + radius * math.sin(phi),
                           round((math.degrees(phi) + 90) % 360, 2)))
    return chairs


def _banquet(frame: Frame, rules: RulePack, shift: float) -> list[Item]:
    return _rounds(frame, rules, shift, "round_180", 10, open_front=False)


def _cabaret(frame: Frame, rules: RulePack, shift: float) -> list[Item]:
    return _rounds(frame, rules, shift, "cabaret_round", 6, open_front=True)


def _trimmed_with_spaces(room: RoomShape, items: list[Item], rules: RulePack, style: str,
                         target: int) -> list[Item]:
    """The front of the arrangement with its wheelchair spaces, holding ``target`` places.

    Each space takes the floor of several chairs, so the trim leaves headroom for them.
    """
    extra = 0
    while True:
        trimmed = _spaces_as_needed(_trim(items, target + extra), rules)
        result = _with_wheelchair_spaces(room, trimmed, rules, style)
        places = _places(result)
        if places >= target or len(trimmed) == len(items) or extra > target:
            return _drop_last_chairs(result, places - target)
        extra += target - places


def _spaces_as_needed(items: list[Item], rules: RulePack) -> list[Item]:
    """Only as many wheelchair spaces as the seats kept ask for."""
    needed = rules.wheelchair_spaces_required(sum(1 for i in items if i.furniture.is_seat))
    spaces = [index for index, item in enumerate(items) if item.kind == "wheelchair_space"]
    surplus = set(spaces[needed:])
    return [item for index, item in enumerate(items) if index not in surplus]


def _places(items: list[Item]) -> int:
    return sum(item.furniture.places for item in items)


def _drop_last_chairs(items: list[Item], surplus: int) -> list[Item]:
    """Leave out the last ``surplus`` chairs (the back of the arrangement)."""
    doomed: set[int] = set()
    for index in range(len(items) - 1, -1, -1):
        if len(doomed) >= surplus:
            break
        if items[index].kind == "chair":
            doomed.add(index)
    return [item for index, item in enumerate(items) if index not in doomed]


def _trim(items: list[Item], attendees: int) -> list[Item]:
    """Keep the front of the arrangement until it holds ``attendees`` (tables stay whole)."""
    kept: list[Item] = []
    places = 0
    for item in items:
        if item.furniture.is_table:
            if places >= attendees:
                break
            kept.append(item)
            continue
        if places < attendees:
            kept.append(item)
            places += item.furniture.places
    return kept


def _with_wheelchair_spaces(room: RoomShape, items: list[Item], rules: RulePack,
                            style: str) -> list[Item]:
    """Swap chairs at the ends of rows for the wheelchair spaces the rule pack asks for."""
    seats = sum(1 for i in items if i.furniture.is_seat)
    present = sum(1 for i in items if i.kind == "wheelchair_space")
    needed = rules.wheelchair_spaces_required(seats) - present
    if style == "standing" or needed <= 0:
        return items
    spots = _space_spots(room, items)
    # First all at once where the floor has them, those that take fewest chairs first
    # (then in the order given): with no error at all, no space cost a row its aisle, and
    # one validation stands for one per space.
    cheapest = _placed_cheapest_first(room, items, needed)
    if cheapest is not None and not _errors(room, cheapest, rules):
        return cheapest
    placements = [together for together in (
        cheapest, _placed_where_they_fit(room, list(items), spots, needed)) if together]
    for together in placements:
        # The cheapest placement's errors are remembered: it is not validated again.
        if not _errors(room, together, rules):
            return together
    for together in placements:
        # Spaces that cut a few chairs off the route: pruning leaves those out (and the
        # layout is dropped if that costs it a tenth of its places).
        if all(v.code in PRUNABLE for v in _errors(room, together, rules)):
            return together
    if placement_violations(room, Layout("trial", style, tuple(items))):
        # Furniture off the floor, on itself or in a door's zone: no space mends that.
        return placements[0] if placements else list(items)
    result = list(items)
    placed = 0
    baseline = _error_count(room, result, rules, style)
    for candidate in spots:
        x, y, rotation, replaced = candidate
        trial = [i for i in result if i not in replaced] + [
            Item("wheelchair_space", x, y, rotation)]
        if _fits(room, trial[-1], trial[:-1]) and _error_count(
                room, trial, rules, style) <= baseline:
            result = trial
            placed += 1
            if placed == needed:
                break
    return result


SPOT_ATTEMPTS = 12


def _space_spots(room: RoomShape, items: list[Item]
                 ) -> list[tuple[float, float, float, list[Item]]]:
    """Where wheelchair spaces may go among these items (at most ``SPOT_ATTEMPTS``): at
    row ends, then in the place of a chair; found once per set of items and arrangement
    (estimating a candidate and fitting it ask for the same)."""
    memo = _VERDICTS.get()
    key = ("spots", tuple(items))
    if memo is not None and key in memo:
        return memo[key]
    spots = list(itertools.islice(itertools.chain(_wheelchair_spots(items, room),
                                                  _seat_swaps(items, room)), SPOT_ATTEMPTS))
    if memo is not None:
        memo[key] = spots
    return spots


def _placed_cheapest_first(room: RoomShape, items: list[Item], needed: int) -> list[Item] | None:
    """The items with ``needed`` spaces where they fit, those that take fewest chairs first
    (None where fewer fit), worked out once per set of items and arrangement."""
    memo = _VERDICTS.get()
    key = ("placed", tuple(items), needed)
    if memo is not None and key in memo:
        return memo[key]
    placed = _placed_where_they_fit(room, list(items), _cheapest_first(_space_spots(room, items)),
                                    needed)
    if memo is not None:
        memo[key] = placed
    return placed


def _cheapest_first(spots: list[tuple[float, float, float, list[Item]]]
                    ) -> list[tuple[float, float, float, list[Item]]]:
    """The spots, those that take fewest chairs first (else in the order given)."""
    return sorted(spots, key=lambda spot: len(spot[3]))


def _placed_where_they_fit(room: RoomShape, items: list[Item],
                           spots: list[tuple[float, float, float, list[Item]]],
                           needed: int) -> list[Item] | None:
    """The items with ``needed`` spaces at the first spots where each fits on the floor
    (the chairs under it giving way), or None where fewer fit."""
    result = items
    placed = 0
    for x, y, rotation, replaced in spots:
        space = Item("wheelchair_space", x, y, rotation)
        giving_way = set(replaced)
        near = [i for i in result
                if abs(i.x - x) < NEAR and abs(i.y - y) < NEAR and i not in giving_way]
        if _fits(room, space, near):
            result = [i for i in result if i not in giving_way] + [space]
            placed += 1
            if placed == needed:
                return result
    return None


def _error_count(room: RoomShape, items: list[Item], rules: RulePack, style: str) -> int:
    """Errors a layout of these items has (a space must not cost a row its aisle)."""
    return len(_errors(room, items, rules, complete=True))


def _wheelchair_spots(items: list[Item],
                      room: RoomShape) -> Iterator[tuple[float, float, float, list[Item]]]:
    """Places at the aisle end of a row where two chairs (in two rows) give way to a space."""
    chairs = [i for i in items if i.kind == "chair"]
    index = {(round(c.x, 2), round(c.y, 2)): c for c in chairs}
    for chair in sorted(chairs, key=lambda c: (c.y, c.x)):
        if chair.rotation not in (0.0, 90.0, 180.0, 270.0):
            continue
        ux, uy = math.cos(math.radians(chair.rotation)), math.sin(math.radians(chair.rotation))
        bx, by = -uy, ux
        for side in (1, -1):
            neighbour = index.get((round(chair.x + side * ux * 0.5, 2),
                                   round(chair.y + side * uy * 0.5, 2)))
            if neighbour is None or not _opens_on_aisle(chair, -side, ux, uy, index, room):
                continue
            group = [chair, neighbour]
            for depth in (0.8, 0.805, 1.6):
                for member in (chair, neighbour):
                    behind = index.get((round(member.x - bx * depth, 2),
                                        round(member.y - by * depth, 2)))
                    if behind is not None and behind not in group:
                        group.append(behind)
            cx = (chair.x + neighbour.x) / 2 - bx * 0.45
            cy = (chair.y + neighbour.y) / 2 - by * 0.45
            yield cx, cy, chair.rotation, group


def _seat_swaps(items: list[Item],
                room: RoomShape) -> Iterator[tuple[float, float, float, list[Item]]]:
    """Spaces in the place of a chair (at a table, or in a row), facing the same way with
    their front where the chair's was: the chairs under a space give way. Only where the
    space fits and leaves a passage behind it (it reaches 0.9 m further back than a
    chair, and would otherwise close the way behind its row); those that take fewest
    chairs first, then those at the end of a row, then those nearest a door."""
    chairs = [item for item in items if item.kind == "chair"]
    if not chairs:
        return
    space = CATALOGUE["wheelchair_space"]
    turns = [chair.rotation for chair in chairs]
    radians = np.radians(turns)
    xs = np.array([chair.x for chair in chairs]) + np.sin(radians) * SWAP_SHIFT
    ys = np.array([chair.y for chair in chairs]) - np.cos(radians) * SWAP_SHIFT
    half_w, half_d = space.width / 2, space.depth / 2
    spaces = rotated_boxes(xs, ys, turns, [(-half_w, -half_d, half_w, half_d)] * len(chairs))
    behind = rotated_boxes(xs, ys, turns,
                           [(-half_w, -half_d - PASSAGE, half_w, -half_d)] * len(chairs))
    outlines = footprints(items)
    everything = STRtree(outlines)
    outline = room.outline
    shapely.prepare(outline)
    # First what costs no overlap to measure: the space and the passage behind it on the
    # floor, and nothing in that passage (most spots fail here).
    fits = shapely.covers(outline, spaces) & shapely.covers(outline, behind)
    fits[np.unique(everything.query(behind, predicate="intersects")[0])] = False
    tried = np.flatnonzero(fits)
    # Every item a space would stand on, with more than a sliver of it.
    hits = everything.query(spaces[tried], predicate="intersects")
    spots = tried[hits[0]]
    overlaps = _overlap_areas(spaces[spots], outlines[hits[1]]) > 1e-4
    under: list[list[Item]] = [[] for _ in chairs]
    for spot, other in zip(spots[overlaps].tolist(), hits[1][overlaps].tolist(), strict=True):
        if items[other].kind == "chair":
            under[spot].append(items[other])
        else:
            fits[spot] = False
    kept = np.flatnonzero(fits)
    doors = unary_union([door.segment for door in room.doors]) if room.doors else None
    near = shapely.distance(shapely.points(xs[kept], ys[kept]), doors) if (
        doors is not None) else np.zeros(len(kept))
    between = _between_chairs(chairs, kept)
    found = sorted((len(under[n]), bool(between[k]), float(near[k]), round(float(xs[n]), 3),
                    round(float(ys[n]), 3), chairs[n].rotation, n)
                   for k, n in enumerate(kept.tolist()))
    for *_, x, y, rotation, n in found:
        yield x, y, rotation, under[n]


def _overlap_areas(these: np.ndarray, those: np.ndarray) -> np.ndarray:
    """The floor each pair of polygons shares: from their bounds where both are boxes
    square to the axes (most are), else from their intersection."""
    found = np.zeros(len(these))
    if not len(these):
        return found
    a, b = shapely.bounds(these), shapely.bounds(those)
    square = _is_square_box(these) & _is_square_box(those)
    width = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
    height = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
    found[square] = (np.clip(width, 0, None) * np.clip(height, 0, None))[square]
    found[~square] = shapely.area(shapely.intersection(these[~square], those[~square]))
    return found


def _is_square_box(shapes: np.ndarray) -> np.ndarray:
    """Whether each polygon fills its bounds (a box square to the axes)."""
    low_x, low_y, high_x, high_y = shapely.bounds(shapes).T
    return np.abs(shapely.area(shapes) - (high_x - low_x) * (high_y - low_y)) < 1e-9


def _between_chairs(chairs: list[Item], which: np.ndarray) -> np.ndarray:
    """For each of the chairs ``which`` (indices), whether chairs stand close on both sides
    of it (it is not at a row end)."""
    if not len(which):
        return np.zeros(0, dtype=bool)
    tree = STRtree(footprints(chairs))
    turns = np.radians([chairs[n].rotation for n in which.tolist()])
    xs = np.array([chairs[n].x for n in which.tolist()])
    ys = np.array([chairs[n].y for n in which.tolist()])
    sides = []
    for k in (-1, 1):
        probes = shapely.points(xs + k * np.cos(turns) * 0.5, ys + k * np.sin(turns) * 0.5)
        touched = np.zeros(len(which), dtype=bool)
        touched[tree.query(probes, predicate="dwithin", distance=0.2)[0]] = True
        sides.append(touched)
    return sides[0] & sides[1]


# A space's front lies where the front of the chair it replaces did.
SWAP_SHIFT = (CATALOGUE["wheelchair_space"].depth - CHAIR.depth) / 2


def _opens_on_aisle(chair: Item, side: int, ux: float, uy: float,
                    index: dict[tuple[float, float], Item], room: RoomShape) -> bool:
    """Whether an aisle's width of bare floor lies beyond this chair's end of the row,
    in its own row and in the rows just behind (which the space also takes)."""
    bx, by = -uy, ux
    for depth in (0.0, 0.8, 0.805, 1.6):
        x, y = chair.x - bx * depth, chair.y - by * depth
        for step in range(1, 4):
            if index.get((round(x + side * ux * 0.5 * step, 2),
                          round(y + side * uy * 0.5 * step, 2))):
                return False
    beyond = shapely.box(chair.x, chair.y, chair.x, chair.y).centroid
    probe = affinity.translate(beyond, side * ux * 1.2, side * uy * 1.2)
    return room.outline.buffer(-0.3).contains(probe)


def _fits(room: RoomShape, item: Item, others: list[Item]) -> bool:
    """Whether the item stands on the floor, clear of pillars, of the doors' clear zones
    (an item there is an error no pruning mends: a space tried there costs validations
    for nothing) and of the other items."""
    shape = footprint(item)
    if not _floor_with_margin(room).covers(shape):
        return False
    if any(shape.intersection(o).area > 1e-4 for o in room.obstacles):
        return False
    if (exits := _door_zones(room)) is not None and exits.intersection(shape).area > 1e-4:
        return False
    near = [o for o in others if abs(o.x - item.x) < NEAR and abs(o.y - item.y) < NEAR]
    return not near or not bool(
        (shapely.area(shapely.intersection(shape, footprints(near))) > 1e-4).any())


# Items whose centres lie this far apart on either axis cannot overlap (the largest item,
# a 1.8 m round table, reaches 0.9 m from its centre; a space 0.83 m).
NEAR = 2.0


def _door_zones(room: RoomShape) -> Polygon | None:
    """The union of the doors' clear zones (None without doors), made once per room and
    arrangement."""
    if not room.doors:
        return None
    memo = _VERDICTS.get()
    key = ("exits", room.outline.wkb, room.doors)
    if memo is not None and key in memo:
        return memo[key]
    zones = unary_union([door_zone(room, door) for door in room.doors])
    shapely.prepare(zones)
    if memo is not None:
        memo[key] = zones
    return zones


def _floor_with_margin(room: RoomShape) -> Polygon:
    """The room's outline 5 mm wider, prepared, made once per room and arrangement."""
    memo = _VERDICTS.get()
    key = ("floor", room.outline.wkb)
    if memo is not None and key in memo:
        return memo[key]
    floor = room.outline.buffer(0.005)
    shapely.prepare(floor)
    if memo is not None:
        memo[key] = floor
    return floor


def _explain(layout: Layout, capacity: Capacity, attendees: int | None,
             style: str) -> tuple[str, str]:
    places = sum(i.furniture.places for i in layout.items)
    if attendees is not None and places >= attendees:
        return "attendees", f"Stopped at {places} places for the {attendees} attendees asked for."
    if capacity.binding == "floor_area":
        return "area", f"Limited by the floor area. {capacity.sentence}"
    if capacity.binding == "exits":
        return "exits", f"Limited by the exits. {capacity.sentence}"
    if capacity.binding == "policy":
        return "policy", capacity.sentence
    if style == "standing":
        return "area", capacity.sentence
    return "row length", (f"{places} places: rows, aisles and door zones of the room limit "
                          "how many fit.")
