"""The JSON API under /api/v1: every endpoint's answers, its errors, CSRF, rate limit, spec."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import session
from sqlalchemy import select

from advising.api.routes import KeptQueryParser
from advising.api.schemas import SlotsQuerySchema
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.models import CANCELLED, CONFIRMED, Booking
from tests.conftest import client_after_commit
from tests.factories import make_advisor

API = "/api/v1"


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, object]:
    """A generous API limit, unless a test asks for its own (indirect parametrization)."""
    return {"API_LIMIT_PER_ADDRESS": "1000 per minute", **getattr(request, "param", {})}


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app, buffered=True)


@pytest.fixture
def advisor(ctx):
    return make_advisor(
        name="Maria Lopez",
        slug="maria-lopez",
        timezone="America/Chicago",
        specialties=["CPC", "CCS"],
        bio="Ten years in hospital coding.",
    )


def free_slots(advisor, count: int = 1):
    slots = services.next_available_slots(advisor, days=14)
    assert len(slots) >= count, "the advisor needs free time"
    return slots


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def booking_body(advisor, start: datetime, /, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "advisor": advisor.slug,
        "start": iso(start),
        "name": "Jo Visitor",
        "email": "jo@example.org",
        "phone": "+1 (555) 010-0000",
        "topic": "Which credential first?\nI work full time.",
        "timezone": "Europe/London",
        "consent": True,
    }
    body.update(overrides)
    return body


def book(client, advisor, start: datetime | None = None, /, **overrides: object):
    start = start or free_slots(advisor)[0].start
    response = client.post(f"{API}/bookings", json=booking_body(advisor, start, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_utc(value: str) -> None:
    assert value.endswith(("Z", "+00:00")), value


def field_errors(response, location: str = "json") -> dict[str, list[str]]:
    payload = response.get_json()
    assert response.status_code == 422, payload
    assert payload["code"] == 422 and payload["status"] == "Unprocessable Entity"
    return payload["errors"][location]


# --- the OpenAPI document --------------------------------------------------------------------


def test_openapi_document_lists_every_path_and_its_responses(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.0.")
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"
    expected = {
        ("/api/v1/advisors", "get"): {"200", "429"},
        ("/api/v1/advisors/{slug}/slots", "get"): {"200", "404", "422", "429"},
        ("/api/v1/bookings", "post"): {"201", "400", "409", "422", "429"},
        ("/api/v1/bookings/{token}", "get"): {"200", "404", "429"},
        ("/api/v1/bookings/{token}", "delete"): {"200", "400", "404", "409", "422", "429"},
        ("/api/v1/bookings/{token}/reschedule", "post"): {"200", "400", "404", "409", "422", "429"},
        ("/api/v1/bookings/{token}/invite.ics", "get"): {"200", "404", "429"},
    }
    operations = {
        (path, method): set(operation["responses"]) - {"default"}
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations == expected
    schemas = spec["components"]["schemas"]
    assert "alternatives" in schemas["Conflict"]["properties"]
    assert "manage_token" in schemas["BookingCreated"]["properties"]
    assert "manage_token" not in schemas["Booking"]["properties"]
    assert "Europe/London" in schemas["BookingCreate"]["properties"]["timezone"]["enum"]
    # every string a client sends is bounded
    for name in ("BookingCreate", "Reschedule"):
        for prop, definition in schemas[name]["properties"].items():
            if definition.get("type") == "string" and "enum" not in definition:
                assert "maxLength" in definition or definition.get("format") == "date-time", prop


def test_the_document_itself_is_not_an_error_page_and_html_errors_stay_html(client):
    assert client.get("/no/such/page").mimetype == "text/html"
    response = client.get(f"{API}/no/such/thing")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["code"] == 404


# --- advisors and slots ----------------------------------------------------------------------


def test_advisors_lists_active_advisors(client, advisor):
    make_advisor(name="Gone Away", active=False)
    response = client.get(f"{API}/advisors")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "slug": "maria-lopez",
            "display_name": "Maria Lopez",
            "bio": "Ten years in hospital coding.",
            "specialties": ["CPC", "CCS"],
            "timezone": "America/Chicago",
        }
    ]


def test_slots_in_the_visitors_zone(client, advisor):
    expected = free_slots(advisor)
    response = client.get(f"{API}/advisors/maria-lopez/slots", query_string={"tz": "Asia/Tokyo"})
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["advisor"] == "maria-lopez" and payload["timezone"] == "Asia/Tokyo"
    assert_utc(payload["start"])
    assert parse(payload["end"]) - parse(payload["start"]) == timedelta(days=14)
    slots = payload["slots"]
    assert [parse(s["start"]) for s in slots] == [s.start for s in expected]
    first = slots[0]
    assert_utc(first["start"]) or assert_utc(first["end"])
    assert first["local_start"].endswith("+09:00") and first["timezone"] == "Asia/Tokyo"
    assert parse(first["local_start"]) == parse(first["start"])
    assert parse(first["end"]) - parse(first["start"]) == timedelta(minutes=45)


def test_slots_default_to_the_advisors_zone_and_dates_mean_local_days(client, advisor):
    day = free_slots(advisor)[0].start.astimezone(ZoneInfo("America/Chicago")).date()
    response = client.get(
        f"{API}/advisors/maria-lopez/slots",
        query_string={"start": day.isoformat(), "end": day.isoformat()},
    )
    payload = response.get_json()
    assert response.status_code == 200 and payload["timezone"] == "America/Chicago"
    assert payload["slots"]
    local_days = {parse(s["local_start"]).date() for s in payload["slots"]}
    assert local_days == {day}
    assert parse(payload["start"]).astimezone(ZoneInfo("America/Chicago")).hour == 0
    assert parse(payload["end"]) - parse(payload["start"]) in {
        timedelta(hours=23),
        timedelta(hours=24),
        timedelta(hours=25),
    }


def test_slots_accept_instants_with_offsets(client, advisor):
    slot = free_slots(advisor)[0]
    response = client.get(
        f"{API}/advisors/maria-lopez/slots",
        query_string={
            "start": slot.start.astimezone(ZoneInfo("America/Chicago")).isoformat(),
            "end": iso(slot.start + timedelta(minutes=1)),
        },
    )
    assert response.status_code == 200
    assert [parse(s["start"]) for s in response.get_json()["slots"]] == [slot.start]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2026-03-10T10:00:00Z", "end": "2026-03-10T10:00:00Z"}, "end"),
        ({"start": "2026-01-01", "end": "2026-06-01"}, "end"),
        ({"start": "2026-01-01", "end": "9999-12-31"}, "end"),
        ({"start": "0001-01-01T00:00:00+01:00"}, "start"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2026-03-02T09:00:00"}, "start"),  # naive: no offset
        ({"start": "2026-03-02T09:00:00+25:00"}, "start"),
        ({"start": "next tuesday"}, "start"),
        ({"start": "2026-03-02\n"}, "start"),
        ({"end": "x" * 10_000}, "end"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "x" * 5000}, "tz"),
    ],
)
def test_slots_refuse_bad_ranges_with_field_errors(client, advisor, query, field):
    response = client.get(f"{API}/advisors/maria-lopez/slots", query_string=query)
    errors = field_errors(response, "query")
    assert field in errors and errors[field][0]


def test_a_slots_query_string_is_parsed_once_per_process_and_a_refused_one_every_time(
    client, advisor, monkeypatch
):
    loads: list[dict] = []
    real_load = SlotsQuerySchema.load

    def counting_load(self, data, *args, **kwargs):
        loads.append(dict(data))
        return real_load(self, data, *args, **kwargs)

    monkeypatch.setattr(SlotsQuerySchema, "load", counting_load)
    run = uuid.uuid4().hex  # an unknown parameter (ignored) keeps other tests' parses apart
    url = f"{API}/advisors/maria-lopez/slots"
    day = free_slots(advisor)[0].start.astimezone(ZoneInfo("Asia/Tokyo")).date()
    # From the day before to the day after: the slot lies inside in Tokyo's days and UTC's.
    first_day, last_day = (
        (day - timedelta(days=1)).isoformat(),
        (day + timedelta(days=1)).isoformat(),
    )
    asked = {"start": first_day, "end": last_day, "tz": "Asia/Tokyo", "run": run}
    first, again = client.get(url, query_string=asked), client.get(url, query_string=asked)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert first.get_json()["slots"][0]["timezone"] == "Asia/Tokyo"
    assert len(loads) == 1
    other = client.get(url, query_string={**asked, "tz": "UTC"})
    assert other.get_json()["slots"][0]["timezone"] == "UTC"
    assert len(loads) == 2
    for start, parses in (("next tuesday", 2), (f"{day.year}-02-31", 1)):
        # Refused by the schema (each time parsed again), or by the calendar after a parse.
        refused = {**asked, "start": start}
        for _ in range(2):
            assert "start" in field_errors(client.get(url, query_string=refused), "query")
        assert len(loads) == 2 + parses
        del loads[2:]


def test_the_kept_query_parser_hands_out_copies_and_forgets_all_when_full(app):
    parser = KeptQueryParser()
    parser.KEPT = 2
    schema = SlotsQuerySchema()
    with app.test_request_context("/?tz=UTC&start=2030-01-07"):
        first = parser.parse(schema, location="query")
        first["tz"] = "Asia/Tokyo"
        assert parser.parse(schema, location="query") == {"tz": "UTC", "start": "2030-01-07"}
        assert parser.parse(schema, location="query") is not first
    for zone in ("Europe/Paris", "UTC"):  # the third query string makes it start afresh
        with app.test_request_context(f"/?tz={zone}"):
            assert parser.parse(schema, location="query") == {"tz": zone}
    with app.test_request_context("/?tz=UTC&start=2030-01-07"):
        assert parser.parse(schema, location="query")["start"] == "2030-01-07"
    assert len(parser._kept) <= parser.KEPT


def test_slots_range_of_62_days_is_allowed(client, advisor):
    response = client.get(
        f"{API}/advisors/maria-lopez/slots",
        query_string={"start": "2026-03-01", "end": "2026-05-01", "tz": "UTC"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("slug", ["nobody", "MARIA-LOPEZ", "gone", "a" * 500, "%00"])
def test_slots_of_an_unknown_or_inactive_advisor_are_404(client, advisor, slug):
    make_advisor(slug="gone", active=False)
    response = client.get(f"{API}/advisors/{slug}/slots")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404 and response.get_json()["message"]


# --- booking ---------------------------------------------------------------------------------


def test_booking_answers_201_with_the_booking_and_its_manage_link(client, advisor, ctx):
    slot = free_slots(advisor)[0]
    response = client.post(f"{API}/bookings", json=booking_body(advisor, slot.start))
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    payload = response.get_json()
    token = payload["manage_token"]
    assert len(token) >= 40
    assert payload["manage_url"] == f"{ctx.config['PUBLIC_BASE_URL']}/b/{token}"
    assert payload["status"] == "confirmed"
    assert payload["advisor"] == {
        "slug": "maria-lopez",
        "display_name": "Maria Lopez",
        "timezone": "America/Chicago",
    }
    assert parse(payload["start"]) == slot.start and parse(payload["end"]) == slot.end
    assert_utc(payload["start"])
    assert payload["timezone"] == "Europe/London"
    assert parse(payload["local_start"]) == slot.start
    assert payload["local_start"] == slot.start.astimezone(ZoneInfo("Europe/London")).isoformat()
    assert payload["name"] == "Jo Visitor" and payload["email"] == "jo@example.org"
    assert payload["phone"] == "+1 (555) 010-0000"
    assert payload["topic"] == "Which credential first?\nI work full time."
    assert payload["cancelled_at"] is None and payload["cancel_reason"] is None

    db.session.rollback()
    stored = db.session.scalars(select(Booking)).one()
    assert stored.manage_token_hash == services.hash_token(token)
    assert stored.manage_token_hash not in response.get_data(as_text=True)
    assert stored.status == CONFIRMED and stored.visitor_timezone == "Europe/London"


def test_booking_without_optional_fields(client, advisor):
    body = booking_body(advisor, free_slots(advisor)[0].start)
    del body["phone"], body["topic"]
    response = client.post(f"{API}/bookings", json=body)
    assert response.status_code == 201
    assert response.get_json()["phone"] is None and response.get_json()["topic"] == ""


def test_a_taken_slot_answers_409_with_alternatives(client, advisor):
    start = free_slots(advisor)[0].start
    book(client, advisor, start)
    response = client.post(
        f"{API}/bookings", json=booking_body(advisor, start, email="late@example.org")
    )
    assert response.status_code == 409
    payload = response.get_json()
    assert payload["code"] == 409 and payload["message"] == "That time was just taken."
    alternatives = payload["alternatives"]
    assert alternatives and all(parse(a["start"]) != start for a in alternatives)
    assert all(a["timezone"] == "Europe/London" for a in alternatives)
    assert all(a["local_start"].endswith(("+00:00", "+01:00")) for a in alternatives)
    # an alternative is really free
    assert book(client, advisor, parse(alternatives[0]["start"]))["status"] == "confirmed"


def test_a_time_that_is_not_a_slot_answers_409(client, advisor):
    start = free_slots(advisor)[0].start + timedelta(minutes=7)  # off the 15-minute grid
    response = client.post(f"{API}/bookings", json=booking_body(advisor, start))
    assert response.status_code == 409 and response.get_json()["alternatives"]


def test_booking_errors_name_the_fields(client, advisor):
    response = client.post(f"{API}/bookings", json={})
    errors = field_errors(response)
    assert {"advisor", "start", "name", "email", "timezone", "consent"} <= set(errors)
    assert "phone" not in errors and "topic" not in errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": "true"}, "consent"),
        ({"consent": 1}, "consent"),
        ({"start": "2026-03-02T14:00:00"}, "start"),  # naive
        ({"start": "2026-03-02"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
        ({"start": "9999-12-31T23:59:59-14:00"}, "start"),
        ({"start": 1767225600}, "start"),
        ({"start": "2" * 100_000}, "start"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 300 + "@example.org"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Jo\x00Visitor"}, "name"),
        ({"name": "Jo\nVisitor"}, "name"),
        ({"name": "Jo \ud800"}, "name"),
        ({"name": ["Jo"]}, "name"),
        ({"topic": "t" * 2001}, "topic"),
        ({"topic": "bell\x07"}, "topic"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "1" * 41}, "phone"),
        ({"timezone": "Not/AZone"}, "timezone"),
        ({"timezone": "x" * 100_000}, "timezone"),
        ({"advisor": "nobody"}, "advisor"),
        ({"advisor": "Maria Lopez"}, "advisor"),
        ({"advisor": "m" * 81}, "advisor"),
    ],
)
def test_invalid_booking_fields_answer_422(client, advisor, overrides, field):
    start = free_slots(advisor)[0].start
    response = client.post(f"{API}/bookings", json=booking_body(advisor, start, **overrides))
    errors = field_errors(response)
    assert list(errors) == [field] and errors[field][0]


def test_gone_advisor_is_a_field_error(client, advisor, ctx):
    start = free_slots(advisor)[0].start
    advisor.active = False
    response = client.post(f"{API}/bookings", json=booking_body(advisor, start))
    assert "advisor" in field_errors(response)


def test_unknown_fields_are_ignored(client, advisor):
    body = booking_body(
        advisor, free_slots(advisor)[0].start, status="cancelled", id=1, manage_token="mine"
    )
    response = client.post(f"{API}/bookings", json=body)
    assert response.status_code == 201
    payload = response.get_json()
    assert payload["status"] == "confirmed" and payload["manage_token"] != "mine"
    response = client.get(
        f"{API}/advisors/maria-lopez/slots", query_string={"tz": "UTC", "colour": "red"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": b"\xff\xfe", "content_type": "application/json"}, 400),
        ({"data": "name=Jo", "content_type": "application/x-www-form-urlencoded"}, 422),
        ({"data": "plain words", "content_type": "text/plain"}, 422),
        ({"json": ["a", "list"]}, 422),
        ({"json": "a string"}, 422),
        ({"json": None}, 422),
        ({}, 422),
    ],
)
def test_bodies_that_are_not_json_objects_answer_4xx_json(client, advisor, kwargs, status):
    response = client.post(f"{API}/bookings", **kwargs)
    assert response.status_code == status
    payload = response.get_json()
    assert payload["code"] == status and payload["status"] and payload["message"]


def test_a_body_over_the_size_limit_answers_413_json(client, app, advisor):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = booking_body(advisor, free_slots(advisor)[0].start, topic="t" * 2000)
    response = client.post(f"{API}/bookings", json=body)
    assert response.status_code == 413 and response.get_json()["code"] == 413


def test_csrf_is_not_required_but_still_protects_the_forms(client, app, advisor):
    assert app.config.get("WTF_CSRF_ENABLED", True)  # CSRF is on in this app
    start = free_slots(advisor)[0].start
    form = client.post("/advisors/maria-lopez/book", data={"start": iso(start), "name": "Jo"})
    assert form.status_code == 400  # the HTML form without its token is refused
    response = client.post(f"{API}/bookings", json=booking_body(advisor, start))
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_the_api_reads_no_cookie_and_its_answers_do_not_vary_by_one(app, client, advisor):
    page = client.get("/advisors/maria-lopez")  # the site's pages use the cookie session
    assert "Cookie" in page.headers.get("Vary", "")
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = "1"  # a signed-in browser calling the API with its cookie
    response = client.get(f"{API}/advisors/maria-lopez/slots")
    assert response.status_code == 200 and response.get_json()["slots"]
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")  # shared caches may keep it
    with app.test_request_context(f"{API}/advisors"):
        assert not session  # nothing was read from any cookie
        with pytest.raises(RuntimeError, match="uses no cookies"):
            session["_user_id"] = "1"


def test_wrong_method_answers_405_json_with_allow(client):
    response = client.put(f"{API}/bookings")
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
    assert "POST" in response.headers["Allow"]


# --- one booking -----------------------------------------------------------------------------


def test_get_a_booking_by_its_token(client, advisor):
    created = book(client, advisor)
    token = created.pop("manage_token")
    response = client.get(f"{API}/bookings/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == created
    assert "manage_token" not in response.get_json()
    assert "hash" not in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00", "..%2F..%2Fetc"])
@pytest.mark.parametrize("method", ["get", "delete"])
def test_unknown_tokens_answer_404_json(client, advisor, token, method):
    response = getattr(client, method)(f"{API}/bookings/{token}")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404
    response = client.post(
        f"{API}/bookings/{token}/reschedule", json={"start": "2026-03-02T14:00:00Z"}
    )
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_cancel_with_a_json_reason(client, advisor, ctx):
    token = book(client, advisor)["manage_token"]
    response = client.delete(f"{API}/bookings/{token}", json={"reason": "  New job  ", "x": 1})
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["status"] == "cancelled" and payload["cancel_reason"] == "New job"
    assert_utc(payload["cancelled_at"])
    db.session.rollback()
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == CANCELLED and booking.cancelled_by == "visitor"
    # cancelling again is a conflict with a message
    again = client.delete(f"{API}/bookings/{token}")
    assert again.status_code == 409
    assert again.get_json()["code"] == 409 and "already cancelled" in again.get_json()["message"]
    # the time is free again
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "cancelled"


def test_cancel_with_a_query_reason_or_none(client, advisor):
    first, second = free_slots(advisor, 8)[0], free_slots(advisor, 8)[6]
    token = book(client, advisor, first.start)["manage_token"]
    response = client.delete(f"{API}/bookings/{token}", query_string={"reason": "Ill"})
    assert response.status_code == 200 and response.get_json()["cancel_reason"] == "Ill"
    token = book(client, advisor, second.start)["manage_token"]
    response = client.delete(f"{API}/bookings/{token}")
    assert response.status_code == 200 and response.get_json()["cancel_reason"] is None


@pytest.mark.parametrize(
    ("kwargs", "status", "location"),
    [
        ({"query_string": {"reason": "r" * 1001}}, 422, "query"),
        ({"json": {"reason": "r" * 1001}}, 422, "json"),
        ({"json": {"reason": 5}}, 422, "json"),
        ({"json": ["reason"]}, 422, "json"),
        ({"data": "{oops", "content_type": "application/json"}, 400, None),
    ],
)
def test_cancel_refuses_bad_reasons(client, advisor, kwargs, status, location):
    token = book(client, advisor)["manage_token"]
    response = client.delete(f"{API}/bookings/{token}", **kwargs)
    assert response.status_code == status
    if location:
        assert field_errors(response, location)
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


def test_cancel_and_reschedule_after_the_cutoff_answer_409(client, advisor, ctx):
    token = book(client, advisor)["manage_token"]
    settings = services.settings_for(advisor.id)
    settings.cancel_cutoff_hours = settings.reschedule_cutoff_hours = 24 * 30
    db.session.commit()
    response = client.delete(f"{API}/bookings/{token}")
    assert response.status_code == 409
    assert "until 720 hours before" in response.get_json()["message"]
    later = free_slots(advisor)[-1].start
    response = client.post(f"{API}/bookings/{token}/reschedule", json={"start": iso(later)})
    assert response.status_code == 409 and "720 hours" in response.get_json()["message"]
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


def test_reschedule_to_a_free_slot(client, advisor, ctx):
    slots = free_slots(advisor, 10)
    created = book(client, advisor, slots[0].start)
    token = created["manage_token"]
    response = client.post(
        f"{API}/bookings/{token}/reschedule", json={"start": iso(slots[-1].start), "why": "x"}
    )
    assert response.status_code == 200
    payload = response.get_json()
    assert parse(payload["start"]) == slots[-1].start and payload["status"] == "confirmed"
    assert payload["manage_url"] == created["manage_url"]
    db.session.rollback()
    booking = db.session.scalars(select(Booking)).one()
    assert booking.start_at == slots[-1].start and booking.sequence == 1


def test_reschedule_to_a_taken_slot_answers_409_with_alternatives(client, advisor):
    slots = free_slots(advisor, 10)
    token = book(client, advisor, slots[0].start)["manage_token"]
    book(client, advisor, slots[-1].start, email="other@example.org")
    response = client.post(
        f"{API}/bookings/{token}/reschedule", json={"start": iso(slots[-1].start)}
    )
    assert response.status_code == 409
    payload = response.get_json()
    assert payload["message"] == "That time was just taken." and payload["alternatives"]
    assert all(a["timezone"] == "Europe/London" for a in payload["alternatives"])


@pytest.mark.parametrize(
    "body", [{}, {"start": "2026-03-02T14:00:00"}, {"start": "soon"}, {"start": None}]
)
def test_reschedule_refuses_bad_starts(client, advisor, body):
    token = book(client, advisor)["manage_token"]
    response = client.post(f"{API}/bookings/{token}/reschedule", json=body)
    assert "start" in field_errors(response)


# --- rate limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"API_LIMIT_PER_ADDRESS": "3 per minute"}], indirect=True)
def test_the_api_is_rate_limited_per_address_with_a_json_429(client, advisor):
    for _ in range(3):
        assert client.get(f"{API}/advisors").status_code == 200
    response = client.post(f"{API}/bookings", json={})  # the limit covers the whole API
    assert response.status_code == 429
    payload = response.get_json()
    assert payload["code"] == 429 and payload["status"] == "Too Many Requests"
    assert payload["message"]
    assert int(response.headers["Retry-After"]) > 0
    # another address has its own allowance; the HTML site is not affected
    other = client.get(f"{API}/advisors", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    assert client.get("/advisors").status_code == 200


# --- calendar invite -------------------------------------------------------------------------


def test_invite_is_a_calendar_file_publish_then_cancel(client, advisor):
    token = book(client, advisor)["manage_token"]
    response = client.get(f"{API}/bookings/{token}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR") and "METHOD:PUBLISH" in text
    assert "BEGIN:VEVENT" in text and "Maria Lopez" in text
    assert client.delete(f"{API}/bookings/{token}").status_code == 200
    cancelled = client.get(f"{API}/bookings/{token}/invite.ics").get_data(as_text=True)
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled


def test_invite_of_an_unknown_token_is_404_json(client):
    response = client.get(f"{API}/bookings/nope/invite.ics")
    assert response.status_code == 404 and response.get_json()["code"] == 404
