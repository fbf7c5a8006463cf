"""Branches: valid zones, hours and closures, or a clear 422."""

from __future__ import annotations

import pytest

from tests.booking_helpers import make_staff_headers

BODY = {"name": "Main Library", "timezone": "Europe/Copenhagen", "rule_pack": "dk-br18",
        "opening_hours": {"mon": [["08:00", "21:00"]], "sat": [["10:00", "16:00"]], "sun": []},
        "closures": [{"start": "2027-12-24T00:00:00+01:00", "end": "2027-12-27T00:00:00+01:00",
                      "reason": "Christmas"}]}


def test_a_branch_is_created_with_its_closures_in_local_time(client, app):
    response = client.post("/api/v1/branches", json=BODY, headers=make_staff_headers())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["closures"][0]["start"] == "2027-12-24T00:00:00+01:00"
    assert body["opening_hours"]["mon"] == [["08:00", "21:00"]]


@pytest.mark.parametrize(("changes", "code"), [
    ({"timezone": "Mars/Olympus_Mons"}, "invalid_timezone"),
    ({"timezone": "../../etc/passwd"}, "invalid_timezone"),
    ({"rule_pack": "nowhere-1"}, "unknown_rule_pack"),
    ({"opening_hours": {"mon": [["21:00", "08:00"]]}}, "invalid_opening_hours"),
    ({"opening_hours": {"someday": []}}, "invalid_opening_hours"),
    ({"closures": [{"start": "2027-12-27T00:00:00+01:00", "end": "2027-12-24T00:00:00+01:00"}]},
     "end_before_start"),
    ({"closures": [{"start": "2027-12-24T00:00:00", "end": "2027-12-27T00:00:00+01:00"}]},
     "naive_datetime"),
])
def test_bad_branch_input_is_422_with_its_code(client, app, changes, code):
    response = client.post("/api/v1/branches", json={**BODY, **changes},
                           headers=make_staff_headers())
    assert response.status_code == 422, response.get_json()
    assert code in [e["code"] for e in response.get_json()["errors"]]
    assert client.get("/api/v1/branches").get_json()["items"] == []
