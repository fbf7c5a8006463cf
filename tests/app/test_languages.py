"""Danish and English everywhere: complete catalogues, no bare text, and every kind of
text (pages, form and API errors, e-mails, feeds, dates) in the reader's language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_local
from app.models import OutboxMessage, User
from app.services import accounts
from app.services.errors import RuleViolation
from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import PASSWORD, future_day, local, make_branch, make_room
from tests.web_helpers import csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "app" / "translations"
LANGUAGES = ("da", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
TEMPLATES = sorted((ROOT / "app").glob("**/templates/**/*.html"))
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DANISH_DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DANISH_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                 "september", "oktober", "november", "december"]


# ------------------------------------------------------------------ catalogues


def extracted_messages() -> dict[str, str]:
    """Every msgid of the code and templates (same babel.cfg and keywords as
    `flask translations update`), with where it was found."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{line}")
    return found


def catalogue(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def test_extraction_finds_the_strings_of_code_templates_and_forms():
    found = extracted_messages()
    assert "What's on" in found  # a template
    assert "Booked" in found  # a feed's text (N_)
    assert "Passwords differ." in found  # a form's message (_l)
    assert "This field is required." in found  # WTForms' own message
    assert "%(num)s rooms" in found  # a plural


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_code_and_templates_is_in_the_catalogue(language):
    known = set()
    for message in catalogue(language):
        known.update(message.id if isinstance(message.id, tuple) else (message.id,))
    missing = {msgid: where for msgid, where in extracted_messages().items()
               if msgid not in known}
    assert not missing, (
        f"{len(missing)} strings missing from the {language} catalogue; run "
        "`flask --app app translations update`:\n"
        + "\n".join(f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items())))


def test_every_danish_string_is_translated():
    untranslated = []
    for message in catalogue("da"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    assert not untranslated, "Danish msgstr empty or fuzzy:\n" + "\n".join(
        f"  {msgid!r}" for msgid in untranslated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_po(language):
    folder = CATALOGUES / language / "LC_MESSAGES"
    fresh = BytesIO()
    write_mo(fresh, catalogue(language), use_fuzzy=True)  # as `translations compile` does
    fresh.seek(0)
    with open(folder / "messages.mo", "rb") as compiled:
        assert messages_of(read_mo(compiled)) == messages_of(read_mo(fresh)), (
            f"{folder}/messages.mo is stale; run `flask --app app translations compile`")


def messages_of(compiled) -> dict[object, object]:
    """A compiled catalogue's translations (not its header, which carries the date)."""
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {frozen(message.id): frozen(message.string) for message in compiled if message.id}





# ------------------------------------------------------------------ bare text

JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
READ_ATTRIBUTES = re.compile(r"""\b(aria-label|title|placeholder|alt)\s*=\s*("[^"]*"|'[^']*')""",
                             re.I)
WORD = re.compile(r"[^\W\d_]+")
ENTITY = re.compile(r"&[#\w]+;")


# Names that read the same in every language.
NAMES = {"Agora"}


def bare_words(source: str) -> list[str]:
    """The words a person would read in a template that are not wrapped for translation."""
    text = JINJA.sub(" ", source)
    words = []
    for tag in TAG.findall(text):
        for _name, value in READ_ATTRIBUTES.findall(tag):
            words += WORD.findall(value.strip("\"'"))
    words += WORD.findall(ENTITY.sub(" ", TAG.sub(" ", text)))
    return [word for word in words if word not in NAMES]


def test_the_bare_text_check_sees_text_and_read_attributes_but_not_code():
    template = ('{# a comment #}<p class="muted">{{ _("Hi") }} Hello</p>'
                '<img alt="A map" src="{{ url }}"><a title="{{ _(\'x\') }}">{% if a > b %}'
                '{% endif %}</a><button aria-label="Close">×</button><b>Agora</b>')
    assert bare_words(template) == ["A", "map", "Close", "Hello"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_text_outside_gettext(template):
    words = bare_words(template.read_text(encoding="utf-8"))
    assert not words, (f"{template.relative_to(ROOT)} shows words not wrapped in _(): "
                       f"{' '.join(words)}")


# ------------------------------------------------------------------ choosing the language


def test_a_browser_asking_for_danish_gets_danish_pages(client):
    page = client.get("/", headers={"Accept-Language": "da, en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="da"' in html
    assert "Det sker" in html and "What's on" not in html


def test_the_remembered_switch_beats_the_browser(client):
    client.set_cookie("agora_lang", "en")
    html = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "What's on" in html and "Det sker" not in html


def test_an_unknown_language_falls_back_to_the_default(app, client):
    english = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "What's on" in english
    app.config["DEFAULT_LANGUAGE"] = "da"
    danish = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Det sker" in danish
    client.set_cookie("agora_lang", "xx")  # a cookie of no known language is ignored
    assert "Det sker" in client.get("/").get_data(as_text=True)


def test_switching_language_remembers_it_on_the_account_for_e_mails(client):
    user = accounts.create_user("switcher@example.org", PASSWORD)
    db.session.commit()
    sign_in(client, "switcher@example.org", PASSWORD)
    response = client.post("/language", data={"language": "da", "next": "/rooms",
                                              "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303 and response.headers["Location"] == "/rooms"
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "da"
    assert "Lokaler til booking" in client.get("/rooms").get_data(as_text=True)


def test_a_new_account_keeps_the_language_it_signed_up_in(client):
    client.set_cookie("agora_lang", "da")
    response = client.post("/signup", data={
        "name": "Ida", "email": "ida@example.org", "password": PASSWORD, "confirm": PASSWORD,
        "csrf_token": csrf_token(client, "/signup")})
    assert response.status_code == 302
    assert accounts.find_user_by_email("ida@example.org").language == "da"


# ------------------------------------------------------------------ errors


def test_form_errors_come_in_danish_both_agoras_and_wtforms_own(client):
    client.set_cookie("agora_lang", "da")
    page = client.post("/signup", data={
        "name": "", "email": "x@example.org", "password": PASSWORD, "confirm": "other",
        "csrf_token": csrf_token(client, "/signup")})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Feltet skal udfyldes." in html  # WTForms' DataRequired
    assert "Adgangskoderne er ikke ens." in html  # Agora's own message
    assert "Dit navn" in html  # the label
    make_branch()
    found = client.get("/find?day=2020-01-01&start=10:00&end=09:00&attendees=0")
    text = found.get_data(as_text=True)
    assert "Den dato er passeret." in text
    assert "&#39;Til&#39; skal ligge efter &#39;Fra&#39;." in text
    assert "Tallet skal være mellem 1 og 100000." in text or "Mellem 1 og 100000 personer." in text


def test_an_api_error_speaks_the_callers_language_and_keeps_its_code(client, app):
    room = make_room(make_branch())
    booker = make_booker()
    day = future_day(5)
    danish = client.post(
        "/api/v1/bookings", headers={**booker.headers, "Accept-Language": "da"},

        json={"room_id": room.id, "title": "Skak", "attendees": 5,
              "start": local(day, 20).isoformat(), "end": local(day, 18).isoformat(),
              "association_id": booker.association.id})
    english = client.post(
        "/api/v1/bookings", headers=booker.headers,
        json={"room_id": room.id, "title": "Chess", "attendees": 5,
              "start": local(day, 20).isoformat(), "end": local(day, 18).isoformat(),
              "association_id": booker.association.id})
    assert danish.status_code == english.status_code == 422
    assert danish.headers["Content-Type"].startswith("application/problem+json")
    da, en = danish.get_json(), english.get_json()
    assert da["type"] == en["type"] == "urn:agora:problem:ruleviolation"
    assert [e["code"] for e in da["errors"]] == [e["code"] for e in en["errors"]] \
        == ["end_before_start"]
    assert da["title"] == "En regel er brudt" and en["title"] == "A rule is broken"
    assert da["errors"][0]["message"] == "Slutningen skal ligge efter starten."
    assert en["errors"][0]["message"] == "The end must come after the start."

    missing = client.get("/api/v1/rooms/2147483647", headers={"Accept-Language": "da"})
    assert missing.status_code == 404
    assert missing.get_json()["title"] == "Ikke fundet"
    assert missing.get_json()["detail"] == "Lokale 2147483647 findes ikke."
    assert missing.get_json()["type"] == "urn:agora:problem:notfound"


def test_a_page_that_is_not_there_says_so_in_danish(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "da"})
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "Ikke fundet" in html and "Fejl 404." in html and "Tilbage til forsiden" in html


def test_outside_a_request_the_domain_speaks_english(app):
    with pytest.raises(RuleViolation) as raised:
        accounts.validate_email("not an address")
    assert raised.value.errors[0].message == "Enter a valid e-mail address."


# ------------------------------------------------------------------ e-mails


def test_an_e_mail_to_a_danish_user_is_in_danish_whoever_asked(client):
    room = make_room(make_branch(name="Hovedbiblioteket"), name="Sal C")
    booker = make_booker()
    accounts.set_language(booker.user, "da")
    english_booker = make_booker()
    day = future_day(5)
    for who in (booker, english_booker):
        response = book(client, who, room, local(day, 18 if who is booker else 10),
                        local(day, 20 if who is booker else 12), title="Skakaften")
        assert response.status_code == 201, response.get_json()
        response.close()
    danish, english = (db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to == who.user.email)).one() for who in (booker, english_booker))
    when = f"{DANISH_DAYS[day.weekday()][:3]}"
    assert danish.subject.startswith("Booking bekræftet: Skakaften (")
    assert when in danish.subject and "18.00–20.00" in danish.subject
    assert 'Din booking "Skakaften" af Sal C, Hovedbiblioteket er bekræftet.' in danish.text
    assert "Se bookingen" in danish.html and "Deltagere: 10" in danish.text
    assert english.subject.startswith("Booking confirmed: Skakaften (")
    assert "10:00–12:00" in english.subject


# ------------------------------------------------------------------ feeds


def test_a_feed_asked_for_in_danish_says_optaget_and_has_its_own_etag(client):
    room = make_room(make_branch(name="Hovedbiblioteket"), name="Sal C")
    booker = make_booker()
    day = future_day(5)
    assert book(client, booker, room, local(day, 18), local(day, 20),
                title="Hemmeligt møde").status_code == 201
    danish = client.get(f"/calendars/rooms/{room.id}.ics?lang=da")
    english = client.get(f"/calendars/rooms/{room.id}.ics")
    browser_danish = client.get(f"/calendars/rooms/{room.id}.ics",
                                headers={"Accept-Language": "da"})
    body = danish.get_data(as_text=True)
    assert "SUMMARY:Optaget" in body and "Hemmeligt" not in body
    assert "Private bookinger vises som Optaget" in body.replace("\r\n ", "")
    assert "SUMMARY:Booked" in english.get_data(as_text=True)
    # A calendar client gets the language of its address, never of its Accept-Language.
    assert browser_danish.get_data() == english.get_data()
    assert danish.headers["Content-Language"] == "da"
    assert danish.headers["ETag"] != english.headers["ETag"]
    again = client.get(f"/calendars/rooms/{room.id}.ics?lang=da",
                       headers={"If-None-Match": danish.headers["ETag"]})
    assert again.status_code == 304


def test_pages_offer_feeds_in_the_readers_language(client):
    branch = make_branch()
    html = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert f"/calendars/branches/{branch.id}/events.ics?lang=da" in html


# ------------------------------------------------------------------ dates


def test_dates_read_the_danish_or_english_way():
    instant = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    assert format_local(instant, COPENHAGEN, language="en") == "Tue 8 Dec 2026, 18:00"
    assert format_local(instant, COPENHAGEN, language="da") == "tirs. 8. dec. 2026 18.00"
    assert format_local(date(2026, 12, 8), style="day", language="da") == "tirsdag 8. december 2026"
    assert format_local(instant, COPENHAGEN, "time", language="da") == "18.00"


def test_an_event_page_shows_its_date_in_danish(client):
    room = make_room(make_branch(name="Hovedbiblioteket"), name="Sal C")
    booker = make_booker()
    day = future_day(9)
    created = client.post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": room.id, "title": "Skakaften", "attendees": 12,
        "start": local(day, 18).isoformat(), "end": local(day, 20, 30).isoformat(),
        "association_id": booker.association.id, "public": True})
    assert created.status_code == 201, created.get_json()
    html = client.get(f"/events/{created.get_json()['id']}",
                      headers={"Accept-Language": "da"}).get_data(as_text=True)
    expected = (f"{DANISH_DAYS[day.weekday()]} {day.day}. {DANISH_MONTHS[day.month - 1]} "
                f"{day.year}, 18.00")
    assert expected in html and "20.30" in html
    assert "Føj arrangementet til din kalender (.ics)" in html
