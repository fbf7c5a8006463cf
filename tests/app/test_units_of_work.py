"""Each writing use case is one unit of work; a response's status never decides a commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Blueprint, flash, redirect
from sqlalchemy import event, func, select

from app.db import IMMEDIATE, IN_UNIT_OF_WORK, unit_of_work, write_transaction
from app.extensions import db
from app.models import ApiToken, Association, Branch, Closure, Membership, Room, User
from app.services import accounts, associations, bookings, branches, closures, rooms, tokens
from app.services.errors import Conflict
from tests.builders import (
    PASSWORD,
    future_day,
    local,
    make_association,
    make_branch,
    make_room,
    make_user,
)
from tests.web_helpers import sign_in


def committed(statement) -> Any:
    """What another connection sees: only what was committed."""
    with db.engine.connect() as connection:
        return connection.execute(statement).scalar()


@contextmanager
def commits_counted() -> Iterator[list[int]]:
    """Count the session's commits (nested transactions excluded) while the block runs."""
    counted: list[int] = []

    def count(_session: Any) -> None:
        counted.append(1)

    session = db.session()
    event.listen(session, "after_commit", count)
    try:
        yield counted
    finally:
        event.remove(session, "after_commit", count)


# ------------------------------------------------------ (a) a page that redirects


def _probe_blueprint(view: Callable[[], Any]) -> Blueprint:
    probe = Blueprint("unit_probe", __name__)
    probe.add_url_rule("/test-probe", "probe", view, methods=["POST"])
    return probe


def test_a_room_change_refused_after_it_was_written_leaves_nothing_behind_on_a_redirect(app):
    """update_room writes the room, then finds a booking it would overfill and refuses.

    A page that catches the refusal and redirects (302) must not commit the half-done
    change: with the status deciding the commit, the rename and the lower cap stayed.
    """
    room = make_room(name="Reading room", max_attendees=40)
    room_id = room.id
    day = future_day(5)
    bookings.create_booking(make_user("staff"), bookings.BookingInput(
        room_id=room_id, title="Big meeting", attendees=30,
        start=local(day, 10).isoformat(), end=local(day, 12).isoformat()))
    db.session.commit()

    def shrink_the_room():
        try:
            rooms.update_room(db.session.get(Room, room_id),
                              {"name": "Renamed", "max_attendees": 10})
        except Conflict as error:
            flash(error.detail)
        return redirect("/")

    app.register_blueprint(_probe_blueprint(shrink_the_room))
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/test-probe")

    assert response.status_code == 302
    assert committed(select(Room.name).where(Room.id == room_id)) == "Reading room"
    assert committed(select(Room.max_attendees).where(Room.id == room_id)) == 40


def test_a_write_left_outside_any_unit_is_not_committed_and_fails_the_request(app):
    """The request rolls back at its end whatever its status, and says a unit was forgotten."""
    admin_id = make_user().id

    def forgets_its_unit():
        db.session.add(Association(name="Stray", created_by_id=admin_id))
        db.session.flush()
        return redirect("/")

    app.register_blueprint(_probe_blueprint(forgets_its_unit))
    app.config["WTF_CSRF_ENABLED"] = False
    with pytest.raises(RuntimeError, match="outside a unit of work"):
        app.test_client().post("/test-probe")
    assert committed(select(func.count()).select_from(Association)) == 0


def test_in_production_a_stray_write_is_logged_and_rolled_back(app, caplog):
    admin_id = make_user().id

    def forgets_its_unit():
        db.session.add(Association(name="Stray", created_by_id=admin_id))
        return redirect("/")

    app.register_blueprint(_probe_blueprint(forgets_its_unit))
    app.config.update(WTF_CSRF_ENABLED=False, ENV_NAME="production")
    response = app.test_client().post("/test-probe")
    assert response.status_code == 302
    assert "left writes outside a unit of work" in caplog.text
    assert committed(select(func.count()).select_from(Association)) == 0


# ----------------------------------------------------- (b), (c) the unit itself


def test_nested_units_commit_once_at_the_outer_end(app):
    admin = make_user()
    with commits_counted() as counted:
        with unit_of_work():
            association = associations.create_association(admin, {"name": "Chess club"})
            tokens.create_token(admin, "api", "inner")
            assert counted == []
            assert committed(select(func.count()).select_from(Association)) == 0
        assert counted == [1]
    assert committed(select(Association.name).where(Association.id == association.id)) \
        == "Chess club"
    assert committed(select(func.count()).select_from(ApiToken)) == 1


def test_a_unit_commits_when_it_ends_without_an_error(app):
    with unit_of_work():
        accounts.create_user("kept@example.org", PASSWORD)
    assert committed(select(User.email)) == "kept@example.org"
    assert not db.session.info.get(IN_UNIT_OF_WORK)


def test_a_unit_rolls_back_everything_when_anything_raises(app):
    with pytest.raises(ZeroDivisionError), unit_of_work():
        user = accounts.create_user("lost@example.org", PASSWORD)
        associations.create_association(user, {"name": "Never"})
        _ = 1 / 0
    assert committed(select(func.count()).select_from(User)) == 0
    assert committed(select(func.count()).select_from(Association)) == 0
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    assert not db.session.info.get(IN_UNIT_OF_WORK)


def test_a_decorated_service_rolls_back_what_it_wrote_before_it_raised(app):
    @write_transaction
    def half_done() -> None:
        accounts.create_user("half@example.org", PASSWORD)
        raise Conflict(detail="changed its mind")

    with pytest.raises(Conflict):
        half_done()
    assert committed(select(func.count()).select_from(User)) == 0


# ------------------------- (d) check and write in one unit, under the write lock


@contextmanager
def statements_recorded() -> Iterator[list[tuple[str, bool, bool]]]:
    """Every SELECT/INSERT/UPDATE/DELETE run meanwhile: (sql, in a unit, write lock held)."""
    recorded: list[tuple[str, bool, bool]] = []
    engine = db.engine

    def record(connection, _cursor, statement, _parameters, _context, _many) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            immediate = bool(connection.get_execution_options().get(IMMEDIATE))
            recorded.append((statement, bool(db.session.info.get(IN_UNIT_OF_WORK)), immediate))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield recorded
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _one_day_ics() -> bytes:
    day = future_day(20)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:inventory@test\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}\r\nSUMMARY:Inventory\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _prepare_association(staff: User) -> Callable[[], Any]:
    return lambda: associations.create_association(staff, {"name": "Choir"})


def _prepare_membership(staff: User) -> Callable[[], Any]:
    association = make_association()
    email = make_user(email="new.member@example.org").email
    return lambda: associations.add_member(staff, association, email, "member")


def _prepare_branch(_staff: User) -> Callable[[], Any]:
    return lambda: branches.create_branch(
        {"name": "North", "timezone": "Europe/Copenhagen", "opening_hours": {}})


def _prepare_closures(_staff: User) -> Callable[[], Any]:
    branch_id = make_branch().id
    data = _one_day_ics()
    return lambda: closures.import_closures(branch_id, data)


def _prepare_account(_staff: User) -> Callable[[], Any]:
    return lambda: accounts.create_user("someone@example.org", PASSWORD)


def _prepare_token(staff: User) -> Callable[[], Any]:
    return lambda: tokens.create_token(staff, "api", "script")


USE_CASES: dict[str, tuple[Callable[[User], Callable[[], Any]], type]] = {
    "association": (_prepare_association, Association),
    "membership": (_prepare_membership, Membership),
    "branch": (_prepare_branch, Branch),
    "closures": (_prepare_closures, Closure),
    "account": (_prepare_account, User),
    "token": (_prepare_token, ApiToken),
}


@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_each_use_case_checks_and_writes_inside_one_unit_that_commits_it(app, use_case):
    """Associations, branches, closures, accounts and tokens check, then write: one unit.

    Every statement (the check as well as the write) runs inside the unit, on SQLite
    under the write lock taken at its start, and the unit commits exactly once.
    """
    prepare, model = USE_CASES[use_case]
    action = prepare(make_user("staff"))
    count = select(func.count()).select_from(model)
    before = committed(count)
    db.session.commit()  # end the preparation's reads: begin_write would commit them apart
    with commits_counted() as counted, statements_recorded() as recorded:
        action()
    assert counted == [1]
    assert recorded and all(in_unit for _sql, in_unit, _lock in recorded), recorded
    if db.engine.dialect.name == "sqlite":
        assert all(lock for _sql, _in_unit, lock in recorded), "checked without the write lock"
    assert committed(count) == before + 1


def test_signing_in_with_an_outdated_hash_stores_the_new_one(app, client):
    """The rehash on sign-in is a write: it commits in a unit, not by the redirect."""
    from argon2 import PasswordHasher

    user = make_user(email="old.hash@example.org")
    old_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    db.session.commit()
    assert sign_in(client, "old.hash@example.org", PASSWORD).status_code == 302
    stored = committed(select(User.password_hash).where(User.email == "old.hash@example.org"))
    assert stored != old_hash
    assert accounts.authenticate("old.hash@example.org", PASSWORD) is not None


# ------------------------------------------- the command line relies on the units


def test_the_demo_loads_as_one_unit_that_commits_once(runner):
    with commits_counted() as counted:
        result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert counted == [1]
    assert committed(select(func.count()).select_from(Room)) >= 8
    assert committed(select(func.count()).select_from(Association)) == 5


def test_cli_users_and_tokens_are_committed_by_their_services(runner):
    created = runner.invoke(args=["users", "create", "cli@example.org", "--password-stdin"],
                            input="a long enough password\n")
    assert created.exit_code == 0, created.output
    assert committed(select(User.email)) == "cli@example.org"
    made = runner.invoke(args=["tokens", "create", "cli@example.org"])
    assert made.exit_code == 0, made.output
    token_id = committed(select(ApiToken.id))
    assert runner.invoke(args=["tokens", "revoke", str(token_id)]).exit_code == 0
    assert committed(select(ApiToken.revoked_at).where(ApiToken.id == token_id)) is not None
