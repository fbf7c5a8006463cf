"""The command line: users and the demo library."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Association, Booking, Branch, Layout, Room, User
from app.services import after_hours, proposals
from app.services.accounts import authenticate


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "Staff@Example.org", "--role", "staff",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = authenticate("staff@example.org", "a long enough password")
    assert user is not None and user.role == "staff"


def test_users_create_refuses_a_duplicate_email_with_a_message(runner):
    args = ["users", "create", "dup@example.org", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough password\n").exit_code == 0
    result = runner.invoke(args=[*args[:2], "DUP@example.org", args[3]],
                           input="a long enough password\n")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--password-stdin"],
                           input="short\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_demo_loads_a_library_and_prints_a_random_staff_sign_in(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    staff_line = next(line for line in lines if "staff" in line and "@" in line)
    email, password = staff_line.split()[1], staff_line.split()[-1]
    assert authenticate(email, password).role == "staff"
    names = set(db.session.scalars(select(Room.name)))
    assert {"Hall", "Hall A", "Hall B", "Makerspace", "Study room", "Children's area",
            "Meeting room 1", "Meeting room 2"} <= names
    assert db.session.scalar(select(func.count()).select_from(Association)) == 5
    series = db.session.scalar(
        select(func.count()).select_from(Booking).where(Booking.rrule.is_not(None)))
    assert series >= 3
    branch = db.session.scalar(select(Branch))
    assert branch.timezone == "Europe/Copenhagen" and len(branch.closures) == 2
    wanted = [counted.proposal.title for counted in proposals.list_proposals("wanted")]
    assert wanted == ["Repair café", "Open blitz tournament"]
    [trust] = after_hours.trusts_at(authenticate(email, password), branch.id)
    assert trust.association.name == "Indre By Chess Club" and trust.terms_accepted_at


def test_demo_refuses_a_second_run_unless_reset(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 1
    assert "--reset" in second.output
    assert db.session.scalar(select(func.count()).select_from(Branch)) == 1
    third = runner.invoke(args=["demo", "--reset"])
    assert third.exit_code == 0, third.output
    assert db.session.scalar(select(func.count()).select_from(Branch)) == 1


def test_two_demo_runs_print_different_passwords(runner):
    first = runner.invoke(args=["demo"]).output
    second = runner.invoke(args=["demo", "--reset"]).output
    assert first.splitlines()[1].split()[-1] != second.splitlines()[1].split()[-1]


def test_every_demo_layout_holds_people(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    held = {(room, name): capacity for room, name, capacity in db.session.execute(
        select(Room.name, Layout.name, Layout.capacity).join(Layout.room))}
    assert held[("Meeting room 1", "Boardroom")] >= 6
    assert all(capacity > 0 for capacity in held.values()), held
