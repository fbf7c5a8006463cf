"""Request bodies of the JSON API. These classes validate requests and feed the OpenAPI file."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.services.rooms import RULE_LIMITS

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]


class Body(BaseModel):
    """Strict: unknown fields are refused, numbers must be finite."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, str_strip_whitespace=True, strict=True
    )


def _drop_null_where_not_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    nullable = getattr(model, "nullable", frozenset())
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name in nullable or not options:
            continue
        kept = [option for option in options if option.get("type") != "null"]
        prop.pop("anyOf")
        prop.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
        if prop.get("default", 0) is None:
            prop.pop("default")


class Patch(Body):
    """Changes to a resource: a field left out stays as it is.

    ``null`` is accepted only for the fields listed in ``nullable`` (where it clears a
    value the resource may lack); for any other field it is a 400 naming the field,
    and the OpenAPI description does not offer it.
    """

    model_config = ConfigDict(json_schema_extra=_drop_null_where_not_nullable)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError(
                "null_not_allowed", "{field} may be left out, but not set to null",
                {"field": info.field_name},
            )
        return value


class ClosureIn(Body):
    """A time a branch is shut, as RFC 3339 instants with offsets."""

    start: str = Field(examples=["2027-12-24T00:00:00+01:00"])
    end: str = Field(examples=["2027-12-27T00:00:00+01:00"])
    reason: Text = ""


class BranchIn(Body):
    """A new branch."""

    name: Name
    timezone: str = Field(examples=["Europe/Copenhagen"], max_length=64)
    rule_pack: str = Field(default="dk-br18", max_length=32)
    address: Text = ""
    opening_hours: dict[str, list[list[str]]] = Field(
        examples=[{"mon": [["08:00", "21:00"]], "sun": []}]
    )
    closures: list[ClosureIn] = Field(default_factory=list, max_length=500)
    quota_hours_per_week: int | None = Field(default=None, ge=1, le=168)
    quota_bookings_per_week: int | None = Field(default=None, ge=1, le=1000)


Geometry = dict[str, Any]
Instant = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=40)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class DoorIn(Body):
    """A door: a segment on the outline, with its clear width in metres."""

    geometry: Geometry = Field(examples=[{"type": "LineString", "coordinates": [[0, 1], [0, 2.2]]}])
    width: float = Field(gt=0, le=20)


def _rule(name: str) -> Any:
    """An optional rule field, bounded as the rooms service checks it."""
    low, high = RULE_LIMITS[name]
    return Field(default=None, ge=low, le=high)


class RulesIn(Body):
    """A room's booking rules."""

    slot_minutes: int | None = _rule("slot_minutes")
    min_minutes: int | None = _rule("min_minutes")
    max_minutes: int | None = _rule("max_minutes")
    buffer_minutes: int | None = _rule("buffer_minutes")
    lead_hours: int | None = _rule("lead_hours")
    horizon_days: int | None = _rule("horizon_days")
    requires_approval: bool | None = None
    changeover_minutes: int | None = _rule("changeover_minutes")


Amenity = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class RoomIn(Body):
    """A new room: an outline polygon on a floor, in metres."""

    branch_id: Id
    floor: Name = "Ground floor"
    name: Name
    description: Text = ""
    outline: Geometry = Field(
        examples=[{"type": "Polygon", "coordinates": [[[0, 0], [9, 0], [9, 12], [0, 12], [0, 0]]]}]
    )
    doors: list[DoorIn] = Field(default_factory=list, max_length=50)
    obstacles: list[Geometry] = Field(default_factory=list, max_length=500)
    amenities: list[Amenity] = Field(default_factory=list, max_length=50)
    max_attendees: int | None = Field(default=None, ge=1, le=100_000)
    rules: RulesIn = Field(default_factory=RulesIn)


class RoomPatch(Patch):
    """Changes to a room; an outline change needs ``force`` if it breaks layouts or bookings."""

    nullable: ClassVar[frozenset[str]] = frozenset({"max_attendees"})

    floor: Name | None = None
    name: Name | None = None
    description: Text | None = None
    outline: Geometry | None = None
    doors: list[DoorIn] | None = Field(default=None, max_length=50)
    obstacles: list[Geometry] | None = Field(default=None, max_length=500)
    amenities: list[Amenity] | None = Field(default=None, max_length=50)
    max_attendees: int | None = Field(default=None, ge=1, le=100_000)
    rules: RulesIn | None = None
    bookable: bool | None = None
    force: bool = False


class RecurrenceIn(Body):
    """A series: an RFC 5545 RRULE expanded in the branch's local time, minus exdates."""

    rrule: Annotated[str, StringConstraints(min_length=5, max_length=300)] = Field(
        examples=["FREQ=WEEKLY;COUNT=12"]
    )
    exdates: list[Instant] = Field(default_factory=list, max_length=400)


StretchableRule = Literal["max_duration", "lead_time", "horizon", "quota"]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ExceptionIn(Body):
    """One rule staff let this booking break, with the reason kept on record."""

    rule: StretchableRule
    reason: Reason


class BookingIn(Body):
    """A booking request; ``exceptions`` are for staff only (a member sending any gets 403)."""

    room_id: Id
    layout_id: Id | None = None
    title: Title
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    attendees: int = Field(ge=1, le=100_000)
    start: Instant = Field(examples=["2027-03-02T18:00:00+01:00"])
    end: Instant = Field(examples=["2027-03-02T20:00:00+01:00"])
    recurrence: RecurrenceIn | None = None
    association_id: Id | None = None
    public: bool = False
    skip_conflicts: bool = False
    exceptions: list[ExceptionIn] = Field(default_factory=list, max_length=4)


class AfterHoursTermsIn(Body):
    """A branch's after-hours terms and limits."""

    terms: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=5000)]
    latest_end: Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = (
        Field(examples=["22:30"]))
    room_ids: list[Id] = Field(max_length=500)
    evenings_per_month: int = Field(ge=0, le=31)


class TrustIn(Body):
    """Trust an association at a branch, with a key-holder (a member, by e-mail)."""

    association_id: Id
    key_holder_email: Email


class BookingPatch(Patch):
    """Changes to a booking, or (on an occurrence) to one occurrence or the following ones."""

    nullable: ClassVar[frozenset[str]] = frozenset({"layout_id"})

    title: Title | None = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    attendees: int | None = Field(default=None, ge=1, le=100_000)
    layout_id: Id | None = None
    start: Instant | None = None
    end: Instant | None = None
    public: bool | None = None


class DecisionIn(Body):
    """A staff decision on a pending booking."""

    reason: Annotated[str, StringConstraints(max_length=2000)] = ""


class AssociationIn(Body):
    """A new association; it books only once staff verify it."""

    name: Name
    description: Text = ""
    contact_email: Email = ""
    website: HttpUrl | None = None


class AssociationPatch(Patch):
    """Changes to an association; ``verified`` is for staff only."""

    nullable: ClassVar[frozenset[str]] = frozenset({"website"})

    name: Name | None = None
    description: Text | None = None
    contact_email: Email | None = None
    website: HttpUrl | None = None
    verified: bool | None = None


class JoinRequestIn(Body):
    """Ask to join an association; a word to its admins is optional."""

    message: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class MemberIn(Body):
    """Add someone with an Agora account to an association."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
    role: Literal["member", "admin"] = "member"


RoomKind = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Timing = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class ProposalIn(Body):
    """An activity proposed to the library: what, for whom, what you want and need, roughly when."""

    title: Title
    for_whom: Text = ""
    wants: Text = ""
    people_expected: int = Field(default=10, ge=1, le=10_000)
    room_kind: RoomKind = ""
    furniture: Text = ""
    staff_help: Text = ""
    timing: Timing = ""
    association_id: Id | None = None
    branch_id: Id | None = None


class ProposalPatch(Patch):
    """Changes the proposer makes while it is proposed or in dialogue; ``association_id``
    and ``branch_id`` may be ``null`` (for myself, any library)."""

    nullable: ClassVar[frozenset[str]] = frozenset({"association_id", "branch_id"})

    title: Title | None = None
    for_whom: Text | None = None
    wants: Text | None = None
    people_expected: int | None = Field(default=None, ge=1, le=10_000)
    room_kind: RoomKind | None = None
    furniture: Text | None = None
    staff_help: Text | None = None
    timing: Timing | None = None
    association_id: Id | None = None
    branch_id: Id | None = None


class SupportIn(Body):
    """ "I'd come" (``come``) or "I can help" (``help``); ``notify``: tell me when it happens."""

    kind: Literal["come", "help"]
    notify: bool | None = None


class CoffeeIn(Body):
    """Staff offer a time and place for the coffee conversation (the proposer sends no body)."""

    start: Instant = Field(examples=["2027-03-02T10:00:00+01:00"])
    end: Instant = Field(examples=["2027-03-02T10:30:00+01:00"])
    branch_id: Id
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class ProposalStateIn(Body):
    """Move a proposal: to ``dialogue``, back to ``proposed``, to ``happened``, or to
    ``not_now`` with a kind ``reason`` the proposer reads."""

    state: Literal["proposed", "dialogue", "happened", "not_now"]
    reason: Text = ""


class ScheduleIn(Body):
    """Schedule a proposal into a room: a saved ``layout_id``, or ``arrange`` (a planner
    style) to arrange the room for everyone who said "I'd come" and save that layout."""

    room_id: Id
    start: Instant = Field(examples=["2027-03-02T18:00:00+01:00"])
    end: Instant = Field(examples=["2027-03-02T20:00:00+01:00"])
    layout_id: Id | None = None
    arrange: Literal["theatre", "classroom", "boardroom", "u_shape", "banquet", "cabaret",
                     "standing"] | None = None


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a body, for the OpenAPI description."""
    return model.model_json_schema(ref_template="#/components/schemas/{model}")
