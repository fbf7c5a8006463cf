"""Schemathesis over /api/v1/openapi.json: every operation, as staff and as a member.

It runs against the WSGI app on a SQLite file holding a small library (a branch,
two rooms with a layout, an association, a booking) so that low ids exist, and
checks that no answer is a server error and that every answer's status code,
content type and body are the ones the description declares. Bounded: a few
examples per operation and role, derandomized so a failure repeats.
"""

from __future__ import annotations

import collections
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.extensions import db
from app.services import layouts as layout_service
from tests.builders import (
    bearer,
    future_day,
    local,
    make_association,
    make_branch,
    make_room,
    make_token,
    make_user,
    rect,
)

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Per operation and role: cases valid by the description, then cases that are not.
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}

@pytest.fixture
def library(tmp_path) -> Iterator[tuple]:
    """The app on a fresh SQLite file with a small library, and a staff and a member token."""
    app = create_app({
        # Not TESTING: an unexpected error must answer 500 as in production, not propagate.
        "TESTING": False,
        "API_CHECK_RESPONSES": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "fuzz-" + uuid.uuid4().hex,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "BASE_URL": "http://agora.test",
        "OUTBOX_DELIVERY": "off",
    })
    with app.app_context():
        db.create_all()
        staff, member = make_user("staff"), make_user("member")
        branch = make_branch()
        room = make_room(branch, rect(0, 0, 10, 8), max_attendees=40)
        make_room(branch, rect(10, 0, 16, 5), name="Small room")
        layout_service.create_layout(room, {"name": "Boardroom", "style": "boardroom", "items": [
            {"kind": "table_160x80", "x": 5.0, "y": 4.0, "rotation": 0},
            {"kind": "chair", "x": 5.0, "y": 3.2, "rotation": 0},
            {"kind": "chair", "x": 5.0, "y": 4.8, "rotation": 180},
        ]})
        db.session.commit()
        association = make_association(member)
        headers = {"staff": bearer(make_token(staff)), "member": bearer(make_token(member))}
        day = future_day(20)
        answer = app.test_client().post("/api/v1/bookings", headers=headers["member"], json={
            "room_id": room.id, "title": "Chess club", "attendees": 2,
            "start": local(day, 18).isoformat(),
            "end": (local(day, 18) + timedelta(hours=2)).isoformat(),
            "association_id": association.id,
            "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3"},
        })
        assert answer.status_code == 201, answer.get_json()
        booking = answer.get_json()
        proposal = app.test_client().post("/api/v1/proposals", headers=headers["member"],
                                          json={"title": "Repair café", "people_expected": 4})
        assert proposal.status_code == 201, proposal.get_json()
        known = {"branch_id": branch.id, "room_id": room.id, "layout_id": room.layouts[0].id,
                 "booking_id": booking["id"], "association_id": association.id,
                 "user_id": member.id, "start": booking["occurrences"][1]["start"],
                 "proposal_id": proposal.get_json()["id"]}
        db.session.remove()
        yield app, headers, known
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_the_api_keeps_its_description_as_staff_and_as_member(library, caplog):
    app, headers, known = library
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    staff_only = staff_only_operations(app)
    assert staff_only, "no operation declares the staff role"
    assert staff_only <= {operation.label for operation in operations}, staff_only
    run = Run(caplog, staff_only)
    for role, auth in headers.items():
        for operation in operations:
            for mode, examples in EXAMPLES.items():
                run.fuzz(operation, mode, examples, role, auth, known)
    print(run.summary(len(operations)))
    for kind, cases in run.failures.items():
        print(kind, *sorted(set(cases)), sep="\n  ")
    assert not run.failures, run.summary(len(operations)) + "\n" + "\n".join(
        case for cases in run.failures.values() for case in sorted(set(cases))[:5])
    assert not run.validated_before_authorised(), run.validated_before_authorised()


def staff_only_operations(app) -> set[str]:
    """Labels ("PATCH /rooms/{room_id}") of the operations whose body only staff may send."""
    labels = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "role", None) != "staff" or not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        labels |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return labels


class Run:
    """Calls made, statuses seen and failures found, by kind."""

    def __init__(self, caplog, staff_only: set[str]) -> None:
        self.caplog = caplog
        self.staff_only = staff_only
        self.requests = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.by_operation: collections.Counter[tuple[str, str, int]] = collections.Counter()
        self.failures: dict[str, list[str]] = collections.defaultdict(list)

    def fuzz(self, operation, mode: GenerationMode, examples: int, role: str,
             auth: dict[str, str], known: dict[str, object]) -> None:
        """Up to ``examples`` cases of ``operation``, half of them on rows that exist."""
        names = {p.name for p in operation.path_parameters}
        pinned = {name: value for name, value in known.items() if name in names}
        strategy = operation.as_strategy(generation_mode=mode)
        if pinned:
            strategy = st.one_of(
                operation.as_strategy(generation_mode=mode, path_parameters=pinned), strategy)

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case) -> None:
            self.caplog.clear()
            response = case.call(headers=auth)
            self.requests += 1
            self.statuses[response.status_code] += 1
            self.by_operation[role, operation.label, response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    self.record(failure, f"{role} {mode.value} {operation.label}", response)

        try:
            check()
        except Unsatisfiable:
            # Nothing in the operation can be made invalid (GET /ping has no input at all).
            assert mode is GenerationMode.NEGATIVE, operation.label

    def record(self, failure: Failure, where: str, response) -> None:
        """File a failure under its title, with the exception the app logged for it."""
        logged = [r.exc_info[1] for r in self.caplog.records if r.exc_info]
        kind = failure.title
        detail = f"{where} -> {response.status_code}: {failure.title}"
        if logged:
            detail += f" | {type(logged[-1]).__name__}: {str(logged[-1])[:200]}"
        elif "schema" in failure.title.lower() or response.status_code >= 500:
            detail += f" | {response.text[:300]}"
        self.failures[kind].append(detail)

    def summary(self, operations: int) -> str:
        """Counts for the report."""
        return (f"{operations} operations, {self.requests} requests "
                f"({dict(sorted(self.statuses.items()))}); failures: "
                + (", ".join(f"{kind}: {len(cases)}" for kind, cases in
                             sorted(self.failures.items())) or "none")
                + f"; {sum(self.validated_before_authorised().values())} member requests to "
                  "staff-only operations answered 400 instead of 403")

    def validated_before_authorised(self) -> dict[str, int]:
        """Member 400s, by operation, on operations whose body only staff may send."""
        return {label: count for (role, label, status), count in self.by_operation.items()
                if role == "member" and status == 400 and label in self.staff_only}
