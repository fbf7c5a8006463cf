"""The demo library: a Copenhagen branch with overlapping halls, associations and a month of
bookings, so a new install has something real to look at."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.db import write_transaction
from app.extensions import db
from app.models import Base, Branch, User, utcnow
from app.services import (
    accounts,
    after_hours,
    associations,
    bookings,
    branches,
    layouts,
    proposals,
    rooms,
)
from app.services.after_hours import TermsInput
from app.services.bookings import BookingInput
from app.services.proposals import ProposalInput
from calendars import to_rfc3339

ZONE = ZoneInfo("Europe/Copenhagen")
STAFF_EMAIL = "staff@library.example.org"
HOURS = {
    "mon": [["08:00", "21:00"]], "tue": [["08:00", "21:00"]], "wed": [["08:00", "21:00"]],
    "thu": [["08:00", "21:00"]], "fri": [["08:00", "19:00"]], "sat": [["10:00", "16:00"]],
    "sun": [],
}


class DemoRefused(Exception):
    """The database already holds data and --reset was not given."""


def is_empty() -> bool:
    """Whether the database has no branch and no user yet."""
    return (db.session.scalar(select(Branch.id).limit(1)) is None
            and db.session.scalar(select(User.id).limit(1)) is None)


@write_transaction
def load_demo(reset: bool = False, today: date | None = None) -> dict[str, tuple[str, str]]:
    """Load the demo; returns the sign-ins it made ({label: (email, password)})."""
    if reset:
        _delete_everything()
    elif not is_empty():
        raise DemoRefused("This database already has data; run 'flask --app app demo --reset' "
                          "to delete it and load the demo.")
    today = today or utcnow().astimezone(ZONE).date()
    staff_password = secrets.token_urlsafe(12)
    member_password = secrets.token_urlsafe(12)
    staff = accounts.create_user(STAFF_EMAIL, staff_password, "staff", "Lone Jensen (staff)")
    branch = _branch(today)
    hall_rooms = _rooms(branch)
    groups = _associations(staff, member_password)
    db.session.flush()
    _layouts(hall_rooms)
    _bookings(staff, hall_rooms, groups, today)
    _co_creation(staff, branch, hall_rooms, groups)
    return {"staff": (STAFF_EMAIL, staff_password),
            "member": (groups["chess"][1].email, member_password)}


def _delete_everything() -> None:
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.flush()


def _branch(today: date) -> Branch:
    christmas = date(today.year, 12, 24) if today < date(today.year, 12, 24) else date(
        today.year + 1, 12, 24)
    training = _next_weekday(today + timedelta(days=17), 4)  # a Friday about 2.5 weeks out
    closures = [
        _closure(christmas, christmas + timedelta(days=3), "Christmas"),
        _closure(training, training + timedelta(days=1), "Staff training day"),
    ]
    return branches.create_branch({
        "name": "Main Library",
        "address": "Krystalgade 15, 1172 København K",
        "timezone": "Europe/Copenhagen",
        "rule_pack": "dk-br18",
        "opening_hours": HOURS,
        "closures": closures,
        "quota_hours_per_week": 12,
    })


def _closure(first: date, last_exclusive: date, reason: str) -> dict[str, str]:
    return {
        "start": to_rfc3339(datetime.combine(first, time(), ZONE), ZONE),
        "end": to_rfc3339(datetime.combine(last_exclusive, time(), ZONE), ZONE),
        "reason": reason,
    }


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _door(a: tuple[float, float], b: tuple[float, float], width: float) -> dict[str, Any]:
    return {"geometry": {"type": "LineString", "coordinates": [list(a), list(b)]}, "width": width}


PILLAR = _rect(4.0, 6.0, 4.4, 6.4)
SHELF = _rect(0.2, 18.0, 2.2, 18.6)
HALL_DOORS = {
    "west": _door((0, 1), (0, 2.2), 1.2),
    "south_a": _door((3, 0), (4.2, 0), 1.2),
    "south_b": _door((13.8, 0), (15, 0), 1.2),
    "east": _door((18, 1), (18, 2.2), 1.2),
}
STANDARD_RULES = {"slot_minutes": 15, "min_minutes": 30, "max_minutes": 480,
                  "buffer_minutes": 15, "lead_hours": 24, "horizon_days": 180}


def _rooms(branch: Branch) -> dict[str, Any]:
    specs = [
        ("Hall", "The whole event hall, with stage and sound system.", _rect(0, 0, 18, 12),
         list(HALL_DOORS.values()), [PILLAR], ["projector", "sound_system", "stage", "step_free"],
         150, {"requires_approval": True, "changeover_minutes": 30}),
        ("Hall A", "The western half of the hall (a folding wall divides it).", _rect(0, 0, 9, 12),
         [HALL_DOORS["west"], HALL_DOORS["south_a"]], [PILLAR], ["projector", "step_free"], 70,
         {"changeover_minutes": 30}),
        ("Hall B", "The eastern half of the hall.", _rect(9, 0, 18, 12),
         [HALL_DOORS["south_b"], HALL_DOORS["east"]], [], ["projector", "step_free"], 70,
         {"changeover_minutes": 30}),
        ("Meeting room 1", "A quiet room for up to 12, with a screen.", _rect(18, 0, 24, 5),
         [_door((19, 5), (19.9, 5), 0.9)], [], ["screen", "whiteboard", "step_free"], 12, {}),
        ("Meeting room 2", "A bright meeting room by the windows.", _rect(18, 5, 24, 10),
         [_door((19, 10), (19.9, 10), 0.9)], [], ["screen", "step_free"], 12, {}),
        ("Makerspace", "Workbenches, a 3D printer and a laser cutter (L-shaped room).",
         {"type": "Polygon", "coordinates": [[[0, 12], [10, 12], [10, 16], [5, 16], [5, 20],
                                               [0, 20], [0, 12]]]},
         [_door((10, 13), (10, 14.2), 1.2)], [SHELF], ["workbenches", "3d_printer", "step_free"],
         20, {"requires_approval": True}),
        ("Study room", "A small room for homework help and conversation groups.",
         _rect(10, 12, 14, 16), [_door((11, 16), (11.9, 16), 0.9)], [], ["whiteboard"], 8, {}),
        ("Children's area", "The open children's corner, bookable for story times and groups.",
         _rect(14, 12, 24, 20), [_door((14, 17), (14, 19), 2.0)], [],
         ["step_free", "play_mats"], 40, {"requires_approval": True}),
    ]
    made = {}
    for name, text, outline, doors, obstacles, amenities, cap, extra in specs:
        made[name] = rooms.create_room(branch, {
            "floor": "Ground floor", "name": name, "description": text, "outline": outline,
            "doors": doors, "obstacles": obstacles, "amenities": amenities,
            "max_attendees": cap, "rules": {**STANDARD_RULES, **extra},
        })
    return made


ASSOCIATIONS = [
    ("chess", "Indre By Chess Club", "Weekly club evenings and a junior group. All levels.",
     "https://chess.example.org", ["Mette Holm", "Jonas Berg", "Aisha Khan"]),
    ("cafe", "Language Café", "Practise Danish, English and Arabic over coffee, every week.",
     "https://sprogcafe.example.org", ["Sofie Lund", "Omar Haddad"]),
    ("parents", "Parents' Group Indre By", "Baby rhymes and a chat for new parents.",
     "", ["Line Dahl", "Peter Friis"]),
    ("redcross", "Red Cross Copenhagen (local branch)", "First-aid courses and homework help.",
     "https://redcross.example.org", ["Karen Juul", "Ali Yilmaz"]),
    ("seniors", "Senior IT Help", "Volunteers helping seniors with phones, tablets and MitID.",
     "", ["Bent Møller", "Hanne Krogh"]),
]


def _associations(staff: User, member_password: str) -> dict[str, tuple[Any, User]]:
    made = {}
    for key, name, text, site, people in ASSOCIATIONS:
        users = []
        for person in people:
            email = person.split()[0].lower().replace("ø", "o") + f".{key}@members.example.org"
            first_chess_member = not users and key == "chess"
            password = member_password if first_chess_member else secrets.token_urlsafe(12)
            users.append(accounts.create_user(email, password, "member", person))
        association = associations.create_association(users[0], {
            "name": name, "description": text, "website": site, "contact_email": users[0].email,
        })
        for user in users[1:]:
            associations.add_member(users[0], association, user.email, "member")
        associations.update_association(staff, association, {"verified": True})
        made[key] = (association, users[0])
    return made


def _layouts(made: dict[str, Any]) -> None:
    plans = [
        ("Hall", "theatre", "Theatre", None), ("Hall", "banquet", "Banquet", None),
        ("Hall A", "classroom", "Classroom", None), ("Hall A", "theatre", "Theatre", None),
        ("Hall B", "cabaret", "Cabaret", None), ("Meeting room 1", "boardroom", "Boardroom", None),
        ("Meeting room 2", "boardroom", "Boardroom", None),
        ("Makerspace", "classroom", "Workshop", 16),
    ]
    for room_name, style, label, attendees in plans:
        room = made[room_name]
        proposal = layouts.propose(room, style, attendees)
        layouts.create_layout(room, {"name": label, "style": proposal["style"],
                                     "items": proposal["items"]})


def _co_creation(staff: User, branch: Branch, made: dict[str, Any],
                 groups: dict[str, Any]) -> None:
    """Two proposals with people who would come, and the chess club trusted after hours in
    the meeting rooms with its chair as key-holder."""
    citizen = accounts.create_user("anna.citizen@example.org", secrets.token_urlsafe(12),
                                   "member", "Anna Nielsen")
    repair = proposals.create_proposal(citizen, ProposalInput(
        title="Repair café", for_whom="Neighbours with a broken toaster, lamp or bike",
        wants="Fix things together once a month instead of throwing them out.",
        people_expected=20, room_kind="A workshop with tables and sockets",
        furniture="Long tables, chairs, extension leads", staff_help="Someone to open the "
        "makerspace", timing="Saturday mornings, from spring", branch_id=branch.id))
    chess, chess_admin = groups["chess"]
    blitz = proposals.create_proposal(chess_admin, ProposalInput(
        title="Open blitz tournament", for_whom="Anyone who knows how the pieces move",
        wants="A friendly tournament where club players meet new ones.", people_expected=30,
        room_kind="A hall", furniture="Tables in rows", timing="A Sunday in February",
        association_id=chess.id, branch_id=branch.id))
    for key in ("cafe", "parents", "redcross", "seniors"):
        proposals.add_support(groups[key][1], repair, "come", notify=True)
    proposals.add_support(groups["seniors"][1], repair, "help")
    proposals.add_support(citizen, blitz, "come", notify=True)
    after_hours.set_terms(staff, branch.id, TermsInput(
        terms="The key-holder opens and locks the side door, leaves the room as found, and "
              "makes sure everyone is out by the latest end.",
        latest_end="22:30", room_ids=(made["Meeting room 1"].id, made["Meeting room 2"].id),
        evenings_per_month=4))
    trust = after_hours.trust_association(staff, branch.id, chess.id, chess_admin.email)
    after_hours.accept_terms(chess_admin, trust.id)


def _bookings(staff: User, made: dict[str, Any], groups: dict[str, Any], today: date) -> None:
    start_day = today + timedelta(days=2)
    series = [
        ("chess", "Meeting room 1", "Chess club evening", 1, time(18), time(21), 10, True),
        ("cafe", "Study room", "Language café", 3, time(17), time(19), 8, True),
        ("parents", "Children's area", "Baby rhymes", 2, time(10), time(11, 30), 16, True),
        ("seniors", "Meeting room 2", "IT help for seniors", 0, time(14), time(16), 8, True),
        ("redcross", "Hall A", "Homework help", 0, time(16), time(18), 25, False),
    ]
    closed = _closed_days(made["Hall"].branch)
    for key, room_name, title, weekday, t0, t1, people, public in series:
        association, admin = groups[key]
        first = _next_weekday(start_day, weekday)
        while first in closed:
            first += timedelta(days=7)
        request = _input(made[room_name], title, people, first, t0, t1, association.id, public,
                         weekly=4)
        skipped = [first + timedelta(weeks=n) for n in range(4)
                   if first + timedelta(weeks=n) in closed]
        exdates = tuple(to_rfc3339(datetime.combine(d, t0, ZONE), ZONE) for d in skipped)
        bookings.create_booking(admin, replace(request, exdates=exdates))
    association, admin = groups["redcross"]
    saturday = _next_weekday(start_day + timedelta(days=3), 5)
    bookings.create_booking(admin, _input(made["Hall B"], "First-aid course", 24, saturday,
                                          time(10), time(15), association.id, True))
    author_day = _next_weekday(start_day + timedelta(days=8), 2)
    bookings.create_booking(staff, _input(made["Hall"], "Author talk: a Copenhagen novel", 120,
                                          author_day, time(19), time(20, 30), None, True))


def _closed_days(branch: Branch) -> set[date]:
    days = set()
    for closure in branch.closures:
        day = closure.start.astimezone(ZONE).date()
        while datetime.combine(day, time(), ZONE) < closure.end:
            days.add(day)
            day += timedelta(days=1)
    return days


def _input(room: Any, title: str, people: int, day: date, t0: time, t1: time,
           association_id: int | None, public: bool, weekly: int = 0) -> BookingInput:
    start = datetime.combine(day, t0, ZONE)
    end = datetime.combine(day, t1, ZONE)
    return BookingInput(
        room_id=room.id, title=title, attendees=people,
        start=to_rfc3339(start, ZONE), end=to_rfc3339(end, ZONE),
        association_id=association_id, public=public,
        rrule=f"FREQ=WEEKLY;COUNT={weekly}" if weekly else None,
        skip_conflicts=bool(weekly),
    )
