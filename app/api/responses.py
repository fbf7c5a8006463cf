"""Response bodies of the JSON API: the one description of every success answer's shape.

Each view declares what it answers with ``@responds(Model, status=...)``; the
OpenAPI file is generated from these models, and in development and tests every
answer is validated against them before it leaves (``API_CHECK_RESPONSES``), so
the description cannot drift from what ``present.py`` and the services build.

The models forbid unknown fields: a new field in an answer is a failing test
until it is described here.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Id = int
Geometry = dict[str, Any]
BookingStatus = Literal["pending", "confirmed", "rejected", "cancelled"]


class Out(BaseModel):
    """An answer's body: exactly these fields, of exactly these JSON types."""

    model_config = ConfigDict(extra="forbid", strict=True)


T = TypeVar("T")


class Page(Out, Generic[T]):
    """A page of a list; ``next_cursor`` is passed back as ``?cursor=`` for the next page."""

    items: list[T]
    next_cursor: str | None


class Ping(Out):
    """A bare liveness answer."""

    ok: bool


class UserOut(Out):
    """The caller's own account."""

    id: Id
    email: str
    name: str
    role: Literal["staff", "member"]


class ClosureOut(Out):
    """A time a branch is shut, in the branch's zone."""

    id: Id
    start: AwareDatetime
    end: AwareDatetime
    reason: str


class FloorOut(Out):
    """A level of a branch."""

    id: Id
    name: str
    level: int


class BranchOut(Out):
    """A branch: its zone, opening hours ("HH:MM" pairs per weekday) and closures."""

    id: Id
    name: str
    address: str
    timezone: str
    rule_pack: str
    opening_hours: dict[str, list[list[str]]]
    closures: list[ClosureOut]
    quota_hours_per_week: int | None
    quota_bookings_per_week: int | None
    floors: list[FloorOut]


class PlanRoomOut(Out):
    """A room on its floor's plan: outline, the room it is part of, its parts, today's state."""

    id: Id
    name: str
    outline: Geometry
    whole_id: Id | None
    part_ids: list[Id]
    state: Literal["busy", "later", "free"]


class PlanFloorOut(Out):
    """A floor of a branch and its rooms, wholes before their parts."""

    id: Id
    name: str
    level: int
    rooms: list[PlanRoomOut]


class BranchFloorsOut(Out):
    """A branch's floor plans on its local ``day``: busy now, booked later, or free."""

    branch_id: Id
    day: str
    floors: list[PlanFloorOut]


class ClosuresImported(Out):
    """The closures an .ics file added, and how many of its events were already there."""

    imported: int
    duplicates: int
    closures: list[ClosureOut]


class DoorOut(Out):
    """A door: a segment on the outline, with its clear width in metres."""

    geometry: Geometry
    width: float


class RulesOut(Out):
    """A room's booking rules."""

    slot_minutes: int
    min_minutes: int
    max_minutes: int
    buffer_minutes: int
    lead_hours: int
    horizon_days: int
    requires_approval: bool
    changeover_minutes: int


class RoomOut(Out):
    """A room: GeoJSON geometry in metres, amenities, rules; ``capacity`` without a layout."""

    id: Id
    branch_id: Id
    floor: str
    floor_id: Id
    name: str
    description: str
    outline: Geometry
    doors: list[DoorOut]
    obstacles: list[Geometry]
    amenities: list[str]
    area_m2: float
    max_attendees: int | None
    capacity: int | None
    bookable: bool
    rules: RulesOut


class BrokenLayout(Out):
    """A layout a room change made invalid."""

    id: Id
    name: str


class BrokenBooking(Out):
    """An occurrence a room change no longer fits, why, and what forcing does to it.

    ``title`` and ``association`` (its name) only where the caller may see the booking."""

    booking_id: Id
    room_id: Id
    start: AwareDatetime
    end: AwareDatetime
    attendees: int
    capacity: int
    reason: str
    outcome: Literal["flag", "cancel"]
    title: str | None = None
    association: str | None = None


class RoomReport(Out):
    """What a change to a room broke (with ``force``: what it invalidated or cancelled)."""

    layouts: list[BrokenLayout]
    bookings: list[BrokenBooking]


class RoomChanged(RoomOut):
    """The changed room and what the change broke."""

    report: RoomReport


class RoomPreview(Out):
    """What a change to a room would do, nothing saved: the new area and bare-room capacity,
    and the report of what it would break (``breaks``: saving it needs ``force``)."""

    breaks: bool
    area_m2: float
    capacity: int | None
    report: RoomReport


class SpanOut(Out):
    """A time range in the branch's zone."""

    start: AwareDatetime
    end: AwareDatetime


class RoomFit(Out):
    """The smallest layout that holds the group (none: the bare room), and its capacity."""

    layout_id: Id | None
    layout_name: str | None
    capacity: int


class SearchDates(Out):
    """How many of the searched dates the room is free on, and the taken ones."""

    total: int
    free: int
    taken: list[SpanOut]


class RoomMatchOut(RoomOut):
    """A room found by a search: how it fits the group and on which dates it is free."""

    fit: RoomFit
    dates: SearchDates


class RoomSpan(SpanOut):
    """A time range of a room."""

    room_id: Id


class BookedOut(SpanOut):
    """A booking that fills a room's time: a public event's title and id, else neither."""

    status: Literal["confirmed", "pending"]
    title: str | None
    event_id: Id | None


class Availability(Out):
    """A room's busy and free ranges in a window, within its opening hours and rules, and
    the bookings that fill it (its own and those of rooms overlapping it)."""

    room_id: Id
    busy: list[SpanOut]
    free: list[SpanOut]
    booked: list[BookedOut]


class RoomAvailability(Availability):
    """One room of a branch's availability."""

    name: str


class MemberOut(Out):
    """A member of an association."""

    user_id: Id
    email: str
    name: str
    role: Literal["member", "admin"]


class JoinRequestOut(Out):
    """A request to join an association: seen by its admins, staff and the one who asked."""

    id: Id
    association_id: Id
    user_id: Id
    name: str
    email: str
    message: str
    status: Literal["pending", "accepted", "declined"]
    created_at: AwareDatetime
    decided_at: AwareDatetime | None


class AssociationOut(Out):
    """An association; ``contact_email`` and ``members`` only for its admins and staff."""

    id: Id
    name: str
    description: str
    website: str
    verified: bool
    member_count: int
    contact_email: str = Field(default="", description="Only for its admins and staff.")
    members: list[MemberOut] = Field(default_factory=list,
                                     description="Only for its admins and staff.")


class RecurrenceOut(Out):
    """A series' RRULE (expanded in the branch's zone) and its excluded starts."""

    rrule: str
    exdates: list[AwareDatetime]


class OccurrenceOut(Out):
    """One concrete time range of a booking."""

    start: AwareDatetime
    end: AwareDatetime
    status: BookingStatus
    original_start: AwareDatetime
    modified: bool


class CapacityFlag(Out):
    """Why a forced room or layout change left the booking over its capacity, and when."""

    reason: str
    flagged_at: AwareDatetime


class BookingOut(Out):
    """A booking and its occurrences, in the branch's zone; ``capacity_flag`` is set while a
    forced change leaves it over what its room and layout hold."""

    id: Id
    uid: str
    room_id: Id
    layout_id: Id | None
    title: str
    description: str
    attendees: int
    capacity: int | None
    capacity_flag: CapacityFlag | None
    association_id: Id | None
    booked_by_id: Id | None
    public: bool
    status: BookingStatus
    status_reason: str
    start: AwareDatetime
    end: AwareDatetime
    recurrence: RecurrenceOut | None
    sequence: int
    created_at: AwareDatetime
    updated_at: AwareDatetime
    occurrences: list[OccurrenceOut]


class AccessCodeOut(Out):
    """The door code of one after-hours date: for the booker and the key-holder only."""

    booking_id: Id
    code: str
    valid_from: AwareDatetime
    valid_until: AwareDatetime


class BookingCreated(BookingOut):
    """A new booking, the occurrences of a series left out because they clashed, and the
    access codes of its after-hours dates (a trusted association's)."""

    skipped: list[RoomSpan]
    access_codes: list[AccessCodeOut]


class AccessCodes(Out):
    """The live access codes of a booking's dates to come."""

    items: list[AccessCodeOut]


class RuleExceptionOut(Out):
    """A rule staff let a booking break: which, why, who and when."""

    rule: Literal["max_duration", "lead_time", "horizon", "quota"]
    reason: str
    granted_by_id: Id | None
    granted_at: AwareDatetime


class RuleExceptions(Out):
    """The rules stretched for a booking (staff)."""

    items: list[RuleExceptionOut]


class AfterHoursTermsOut(Out):
    """A branch's after-hours terms and limits."""

    branch_id: Id
    terms: str
    latest_end: str
    room_ids: list[Id]
    evenings_per_month: int
    updated_at: AwareDatetime


class TrustOut(Out):
    """An association trusted at a branch; ``active`` once its key-holder accepted the terms."""

    id: Id
    association_id: Id
    association: str
    branch_id: Id
    key_holder_id: Id
    key_holder: str
    granted_at: AwareDatetime
    terms_accepted_at: AwareDatetime | None
    revoked_at: AwareDatetime | None
    active: bool


class TrustList(Out):
    """The trusts of a branch, or those whose key the caller holds."""

    items: list[TrustOut]


class HeldCodeOut(AccessCodeOut):
    """A code the caller holds, with the booking it opens."""

    title: str
    room_id: Id
    room: str


class MyAfterHours(Out):
    """The caller's key-holder trusts and the codes they hold."""

    trusts: list[TrustOut]
    codes: list[HeldCodeOut]


class AfterHoursRow(Out):
    """One after-hours date of a branch's day: who, which room, which key-holder, when."""

    booking_id: Id
    title: str
    association: str | None
    room_id: Id
    room: str
    key_holder: str | None
    start: AwareDatetime
    end: AwareDatetime


class AfterHoursDay(Out):
    """A branch's after-hours list for one local day (never the codes)."""

    date: str = Field(json_schema_extra={"format": "date"})
    items: list[AfterHoursRow]


class CheckedDate(Out):
    """One date of a checked request: free, or the titles in its way (null: not yours
    to see) and the rules it breaks."""

    start: AwareDatetime
    end: AwareDatetime
    free: bool
    clashes: list[str | None]
    problems: list[str]


class RuleError(Out):
    """A rule the whole request breaks, as a 422 would list it."""

    field: str
    code: str
    message: str


class AlternativeOut(Out):
    """Another room or time: the room by name, what it holds (with which layout), when."""

    room_id: Id
    room_name: str
    layout_id: Id | None
    layout_name: str | None
    capacity: int
    start: AwareDatetime
    end: AwareDatetime


class BookingCheckOut(Out):
    """A dry run of a create: per date, the request's rules, the layout's capacity, and
    alternatives (on a clash; smaller rooms for a small group)."""

    ok: bool
    dates: list[CheckedDate]
    errors: list[RuleError]
    capacity: int
    attendees: int
    small_group: bool
    suggestions: list[AlternativeOut]
    smaller_rooms: list[AlternativeOut]


class ItemOut(Out):
    """A piece of furniture: its kind, centre (metres) and rotation (degrees)."""

    kind: str
    x: float
    y: float
    rotation: float


class LayoutOut(Out):
    """A stored layout, its capacity and the limit that binds it."""

    id: Id
    room_id: Id
    name: str
    style: str
    items: list[ItemOut]
    capacity: int
    limits: dict[str, int]
    binding: str
    valid: bool
    revision: int


class CapacityOut(Out):
    """How many a layout holds: every limit, the binding one, and why."""

    capacity: int
    limits: dict[str, int]
    limit_reasons: dict[str, str]
    binding: str
    sentence: str
    citation: str
    disclaimer: str
    warnings: list[str]


class ViolationOut(Out):
    """One problem with a layout; ``items`` are indexes into its items."""

    code: str
    message: str
    items: list[int]
    severity: Literal["error", "warning"]


class ExitPlanOut(Out):
    """What a plan draws of the way out: per door its clear zone (polygons), and the free
    floor a 0.9 m route from the doors reaches (polygons; empty where none leads in)."""

    door_zones: list[list[Geometry]]
    route: list[Geometry]


class LayoutPreview(CapacityOut):
    """A layout checked and measured, not saved, with its exits drawn."""

    valid: bool
    violations: list[ViolationOut]
    plan: ExitPlanOut


class LayoutProposal(CapacityOut):
    """An auto-arranged layout, not saved."""

    name: str
    style: str
    items: list[ItemOut]
    limited_by: str
    explanation: str


class FurnitureOut(Out):
    """A furniture kind: footprint in metres, seats and places."""

    key: str
    name: str
    width: float
    depth: float
    shape: Literal["rect", "circle"]
    seats: int
    places: int
    clearance: float
    stackable: bool


class SetupRow(Out):
    """One booking to set up: where, when, which layout, and the furniture by kind."""

    room_id: Id
    room: str
    booking_id: Id
    start: AwareDatetime
    end: AwareDatetime
    attendees: int
    status: BookingStatus
    layout_id: Id | None
    layout: str | None
    furniture: dict[str, int]


class SetupSheet(Out):
    """A branch's set-up sheet for one day."""

    date: str = Field(json_schema_extra={"format": "date"})
    items: list[SetupRow]


class Named(Out):
    """A row named by id, as an event shows its association and room."""

    id: Id
    name: str


class EventBranch(Named):
    """The branch of an event, with the zone its times are written in."""

    timezone: str


class EventDate(Out):
    """One date of a public event, in its branch's zone, with its page and calendar file."""

    event_id: Id
    title: str
    start: AwareDatetime
    end: AwareDatetime
    series: bool
    association: Named | None
    room: Named
    branch: EventBranch
    url: str
    ics_url: str


class EventRecurrence(Out):
    """A public series' RRULE, expanded in the branch's zone."""

    rrule: str


class EventUpcoming(Out):
    """A coming date of a public event."""

    start: AwareDatetime
    end: AwareDatetime
    status: BookingStatus


class PublicEventOut(Out):
    """A public event: only what its public page shows, never who booked it or how many."""

    id: Id
    uid: str
    title: str
    description: str
    status: BookingStatus
    association: Named | None
    room: Named
    branch: EventBranch
    recurrence: EventRecurrence | None
    upcoming: list[EventUpcoming]
    url: str
    ics_url: str


class ContextCompetitor(Out):
    """Another pending request for the same space on one of the request's days."""

    booking_id: Id
    title: str
    room: str
    association: str | None
    start: AwareDatetime
    end: AwareDatetime
    overlaps: bool = Field(description="whether it overlaps in time (buffers included)")


class ContextClosure(Out):
    """A closure of the branch over one of the request's dates."""

    start: AwareDatetime
    end: AwareDatetime
    reason: str


class ContextFit(Out):
    """Whether the group fits the chosen layout (or the bare room)."""

    attendees: int
    capacity: int
    layout: str | None
    fits: bool
    capacity_flag: str | None


class ContextPastBooking(Out):
    """One of the association's recent bookings."""

    booking_id: Id
    title: str
    room: str
    status: BookingStatus
    created_at: AwareDatetime


class ContextHistory(Out):
    """The association's other bookings made in the last ``days`` days."""

    days: int
    counts: dict[BookingStatus, int]
    recent: list[ContextPastBooking]


class BookingContext(Out):
    """What staff weigh before deciding on a request; times in the branch's zone."""

    booking_id: Id
    status: BookingStatus
    dates: int = Field(description="active dates the decision applies to, all at once")
    association: str | None
    verified: bool | None
    fit: ContextFit
    closures: list[ContextClosure]
    competitors: list[ContextCompetitor]
    history: ContextHistory | None
    clear: bool = Field(description="no closure, no competing request, and the group fits")


ProposalState = Literal["proposed", "dialogue", "scheduled", "happened", "not_now"]


class ProposalNeeds(Out):
    """What a proposal needs: how many people, which kind of room, furniture, staff help."""

    people_expected: int
    room_kind: str
    furniture: str
    staff_help: str


class ProposalCoffee(Out):
    """The conversation over a cup of coffee: asked for, and the time staff offered."""

    requested_at: AwareDatetime | None
    start: AwareDatetime | None
    end: AwareDatetime | None
    place: str
    branch: Named | None


class ProposalMine(Out):
    """What the caller said about the proposal."""

    come: bool
    help: bool
    notify: bool


class ProposalOut(Out):
    """A proposal, public to everyone; counts of "I'd come" and "I can help"."""

    id: Id
    title: str
    for_whom: str
    wants: str
    needs: ProposalNeeds
    timing: str
    state: ProposalState
    not_now_reason: str
    proposer: str
    association: Named | None
    branch: Named | None
    come: int
    help: int
    created_at: AwareDatetime
    changed_at: AwareDatetime = Field(description="when it entered its current state")
    event_id: Id | None
    event_url: str | None
    coffee: ProposalCoffee | None
    mine: ProposalMine | None = Field(description="null when not signed in")


class CandidateRoom(Out):
    """A room free at the asked time that holds everyone who said "I'd come"."""

    room: Named
    branch: Named
    layout: Named | None
    capacity: int
    arrange: bool = Field(description="no saved layout holds them: the planner arranges one")


class ProposalRooms(Out):
    """The candidate rooms for scheduling a proposal, those with a saved layout first."""

    people: int
    items: list[CandidateRoom]
