"""The appointments part of the HTTP API through Starlette's TestClient, on SQLite and PostgreSQL:
slots, booking (local time and with an offset), reading, cancelling (the event names the token), every
refusal as JSON with its reason, the scopes, the rate limit, and a booking race through the API that
never overfills a slot."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from starlette.testclient import TestClient

from kiosk.clock import FixedClock
from kiosk.domain.codes import parse_code
from kiosk.security.tokens import TokenDirectory
from kiosk.service import QueueService
from tests import test_web_api as api_tests
from web.app import LOOKUP_RATE, create_app

TUESDAY_9 = "2026-11-24T09:00"


# The API tests' fixtures: `tokens` (the directory) and `client` (the app through TestClient).
tokens = api_tests.tokens
client = api_tests.client
bearer = api_tests.bearer


def test_book_read_and_cancel_through_the_api(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    writer = bearer(tokens, "website", "issue")
    body = {
        "service": "pension-new",
        "at": TUESDAY_9,
        "language": "uk",
        "name": "Olena",
        "phone": "+380 44 1",
    }
    made = client.post("/api/v1/appointments", json=body, headers=writer)
    assert made.status_code == 201
    data = made.json()
    code = data.pop("code")
    assert len(code) == 6
    number = data.pop("number_code")
    assert parse_code(number) == code  # the same code, for a numeric keypad
    assert data == {
        "service": "pension-new",
        "department": "pensions",
        "at": "2026-11-24T09:00:00+02:00",
        "language": "uk",
        "state": "booked",
        "ticket": None,
        "source": "api",
    }
    stored = service.booking(code)
    assert (stored.name, stored.phone, stored.source) == ("Olena", "+380 44 1", "api")
    booked = [e for e in service.events_since(0) if e.kind == "booked"]
    assert [(e.data["code"], e.data["source"], e.data["token"]) for e in booked] == [(code, "api", "website")]

    reader = bearer(tokens, "dashboard", "read")
    shown = client.get(f"/api/v1/appointments/{code.lower()[:3]} {code.lower()[3:]}", headers=reader)
    assert shown.status_code == 200
    assert shown.json() == {"code": code, "number_code": number, **data}  # never the name or the phone

    cancelled = client.delete(f"/api/v1/appointments/{code}", headers=writer)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    last = [e for e in service.events_since(0) if e.kind == "booking_cancelled"]
    assert [(e.data["source"], e.data["token"]) for e in last] == [("api", "website")]
    again = client.delete(f"/api/v1/appointments/{code}", headers=writer)
    assert again.status_code == 409
    assert again.json() == {"error": f"booking {code} was cancelled", "reason": "cancelled"}
    assert client.get(f"/api/v1/appointments/{code}", headers=reader).json()["state"] == "cancelled"


def test_at_with_an_offset_is_the_centres_local_time(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    writer = bearer(tokens, "website", "issue")
    utc = client.post(
        "/api/v1/appointments", json={"service": "pension-new", "at": "2026-11-24T07:20Z"}, headers=writer
    )
    assert utc.status_code == 201, utc.json()
    assert (
        utc.json()["at"] == "2026-11-24T09:20:00+02:00"
        and utc.json()["language"] == service.settings.main_language
    )
    other = client.post(
        "/api/v1/appointments",
        json={"service": "pension-new", "at": "2026-11-24T10:20+03:00"},
        headers=writer,
    )
    assert other.json()["at"] == "2026-11-24T09:20:00+02:00"
    full = client.post(
        "/api/v1/appointments", json={"service": "pension-new", "at": "2026-11-24T09:20"}, headers=writer
    )
    assert full.status_code == 409 and full.json()["reason"] == "full", "the slot holds 2"


def test_free_slots(service: QueueService, client: TestClient, tokens: TokenDirectory) -> None:
    reader = bearer(tokens, "dashboard", "read")
    service.book("pension-new", service.local().replace(day=24, hour=9, minute=0, tzinfo=None))
    answer = client.get("/api/v1/appointments/slots?service=pension-new&day=2026-11-24", headers=reader)
    assert answer.status_code == 200
    data = answer.json()
    assert (data["service"], data["department"], data["day"], data["slot_minutes"]) == (
        "pension-new", "pensions", "2026-11-24", 20,
    )  # fmt: skip
    by_at = {s["at"]: (s["capacity"], s["free"]) for s in data["slots"]}
    assert by_at["2026-11-24T09:00:00+02:00"] == (2, 1)
    assert by_at["2026-11-24T09:20:00+02:00"] == (2, 2)
    today = client.get("/api/v1/appointments/slots?service=pension-new", headers=reader).json()
    assert today["day"] == "2026-11-23"
    assert today["slots"] and min(s["at"] for s in today["slots"]) > "2026-11-23T10:00", "none begun"
    sunday = client.get("/api/v1/appointments/slots?service=pension-new&day=2026-11-29", headers=reader)
    assert sunday.status_code == 200 and sunday.json()["slots"] == []


def test_refusals_are_json_with_their_reason(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    writer = bearer(tokens, "website", "issue")
    for body, status, reason, words in (
        ({"service": "pension-new", "at": "2026-11-24T09:05"}, 409, "not_a_slot", "no slot of pension-new"),
        ({"service": "pension-new", "at": "2026-11-23T09:00"}, 409, "past", "has begun"),
        ({"service": "pension-new", "at": "2026-11-29T09:00"}, 409, "closed", "Sundays"),
        ({"service": "pension-new", "at": "2027-06-01T09:00"}, 409, "too_far", "60 days ahead"),
        ({"service": "pension-new", "at": "9999-12-31T23:40-12:00"}, 409, "too_far", "calendar's range"),
        ({"service": "pension-new", "at": "0001-01-01T00:00+14:00"}, 409, "past", "calendar's range"),
        ({"service": "pension-recalc", "at": TUESDAY_9}, 409, "no_appointments", "walk-in only"),
        ({"service": "nothing", "at": TUESDAY_9}, 404, None, "nothing"),
        ({"service": "pension-new", "at": TUESDAY_9, "language": "de"}, 404, None, "'de' is not offered"),
        ({"service": "pension-new", "at": "24.11.2026 09:00"}, 400, None, "at must be a time like"),
        ({"service": "pension-new", "at": TUESDAY_9, "phone": "call me"}, 400, None, "phone"),
        ({"service": "pension-new"}, 400, None, "at: Field required"),
        ({"service": "pension-new", "at": TUESDAY_9, "colour": 1}, 400, None, "colour: Extra inputs"),
    ):
        answer = client.post("/api/v1/appointments", json=body, headers=writer)
        assert answer.status_code == status, (body, answer.json())
        assert words in answer.json()["error"], (body, answer.json())
        assert answer.json().get("reason") == reason, body
    broken = client.post("/api/v1/appointments", content=b"{", headers=writer)
    assert broken.status_code == 400 and "not a booking request" in broken.json()["error"]
    assert not service.bookings(service.local().date().replace(day=24)), "no refusal booked anything"

    for path in ("/api/v1/appointments/KMT74X", "/api/v1/appointments/nonsense"):
        for method in (client.get, client.delete):
            missing = method(path, headers=writer)
            assert missing.status_code == 404 and missing.json()["reason"] == "unknown", path
    reader = bearer(tokens, "dashboard", "read")
    for query, words in (
        ("", "service is needed"),
        ("?service=pension-new&day=24.11.2026", "day must be a date"),
    ):
        bad = client.get(f"/api/v1/appointments/slots{query}", headers=reader)
        assert bad.status_code == 400 and words in bad.json()["error"]
    assert client.get("/api/v1/appointments/slots?service=nothing", headers=reader).status_code == 404
    walk_in = client.get("/api/v1/appointments/slots?service=pension-recalc", headers=reader)
    assert walk_in.status_code == 409 and walk_in.json()["reason"] == "no_appointments"


def test_used_and_no_show_bookings_cannot_be_cancelled(
    service: QueueService, client: TestClient, tokens: TokenDirectory, clock: FixedClock
) -> None:
    writer = bearer(tokens, "website", "issue")
    now = service.local().replace(tzinfo=None)
    used = service.book("pension-new", now.replace(minute=20))
    missed = service.book("pension-new", now.replace(hour=11, minute=0))
    clock.advance(minutes=10)
    ticket = service.check_in(used.code)
    answer = client.delete(f"/api/v1/appointments/{used.code}", headers=writer)
    assert answer.status_code == 409 and answer.json()["reason"] == "used"
    assert ticket.ticket.code in answer.json()["error"]
    shown = client.get(f"/api/v1/appointments/{used.code}", headers=writer).json()
    assert (shown["state"], shown["ticket"]) == ("checked_in", ticket.ticket.code)
    clock.advance(days=1)
    service.roll_over()
    gone = client.delete(f"/api/v1/appointments/{missed.code}", headers=writer)
    assert gone.status_code == 409 and gone.json()["reason"] == "no_show"


def test_scopes(client: TestClient, tokens: TokenDirectory) -> None:
    body = {"service": "pension-new", "at": TUESDAY_9}
    reader = bearer(tokens, "dashboard", "read")
    for method, path, kwargs in (
        (client.post, "/api/v1/appointments", {"json": body}),
        (client.delete, "/api/v1/appointments/KMT74X", {}),
        (client.get, "/api/v1/appointments/KMT74X", {}),
        (client.get, "/api/v1/appointments/slots?service=pension-new", {}),
    ):
        nobody = method(path, **kwargs)
        assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer", path
        wrong = method(path, headers={"Authorization": "Bearer kt_nope"}, **kwargs)
        assert wrong.status_code == 401, path
    for method, path, kwargs in (
        (client.post, "/api/v1/appointments", {"json": body}),
        (client.delete, "/api/v1/appointments/KMT74X", {}),
    ):
        refused = method(path, headers=reader, **kwargs)
        assert refused.status_code == 403 and "needs 'issue'" in refused.json()["error"], path
    tokens.revoke("dashboard", by="admin")
    assert client.get("/api/v1/appointments/KMT74X", headers=reader).status_code == 401


def test_the_rate_limit_applies(service: QueueService, tokens: TokenDirectory) -> None:
    reader = bearer(tokens, "dashboard", "read")
    with TestClient(create_app(service, tokens, rate="2/minute")) as client:
        answers = [
            client.get("/api/v1/appointments/slots?service=pension-new", headers=reader) for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["error"].startswith("too many requests")


def test_booking_lookups_by_code_are_limited_per_token_from_any_address(
    service: QueueService, tokens: TokenDirectory
) -> None:
    guesser, other = bearer(tokens, "guesser", "issue"), bearer(tokens, "other", "read")
    with TestClient(create_app(service, tokens, rate="1000/minute")) as client:
        codes = [f"KKKK{a}{b}" for a in "ACEFHJKM" for b in "ACEFHJKM"][: int(LOOKUP_RATE.split("/")[0]) + 1]
        answers = [
            client.get(f"/api/v1/appointments/{code}", headers={**guesser, "X-Forwarded-For": code})
            for code in codes
        ]
        assert {a.status_code for a in answers[:-1]} == {404}
        assert answers[-1].status_code == 429 and int(answers[-1].headers["retry-after"]) > 0
        assert answers[-1].json()["error"].startswith("too many booking lookups with this token")
        assert client.delete("/api/v1/appointments/KKKKAA", headers=guesser).status_code == 429
        assert client.get("/api/v1/appointments/KKKKAA", headers=other).status_code == 404, "others go on"


def test_a_booking_race_through_the_api_never_overfills_a_slot(
    service: QueueService, tokens: TokenDirectory
) -> None:
    """Two API processes' worth of clients (two apps over one database), 12 requests at once for the
    same three slots of 2 seats: exactly 2 bookings a slot, the others refused as full."""
    writer = bearer(tokens, "website", "issue")
    slots = [f"2026-11-24T09:{m:02d}" for m in (0, 20, 40)]
    other = type(service)(service.db, service.settings, service.clock, service.secret, service.catalogue)
    answers: list[tuple[str, int, dict[str, Any]]] = []
    lock = threading.Lock()
    with (
        TestClient(create_app(service, tokens)) as first,
        TestClient(create_app(other, tokens)) as second,
    ):
        start = threading.Barrier(12)

        def book(client: TestClient, slot: str) -> None:
            start.wait()
            answer = client.post(
                "/api/v1/appointments", json={"service": "pension-new", "at": slot}, headers=writer
            )
            with lock:
                answers.append((slot, answer.status_code, answer.json()))

        threads = [
            threading.Thread(target=book, args=(client, slot))
            for client in (first, second)
            for slot in slots
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    made = Counter(slot for slot, status, _ in answers if status == 201)
    assert made == {slot: 2 for slot in slots}
    refused = [data.get("reason") for _slot, status, data in answers if status != 201]
    assert refused == ["full"] * 6, answers
    stored = Counter(b.at for b in service.bookings(service.local().date().replace(day=24)))
    assert sorted(stored.values()) == [2, 2, 2]
