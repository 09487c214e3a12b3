"""The HTTP API of `kiosk web` through Starlette's TestClient (the app and its follower run as
served), on SQLite and PostgreSQL: every endpoint and error, forged, other-day and revoked tokens,
scopes, the rate limit, and the OpenAPI description kept equal to the routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from kiosk import __version__
from kiosk.clock import FixedClock
from kiosk.security import signing
from kiosk.security.tokens import TokenDirectory
from kiosk.service import QueueService
from tests.conftest import drop_pg_database
from web.app import create_app


@pytest.fixture
def tokens(service: QueueService) -> TokenDirectory:
    return TokenDirectory(service.db, service.clock, service.settings.zone)


@pytest.fixture
def client(service: QueueService, tokens: TokenDirectory) -> Iterator[TestClient]:
    with TestClient(create_app(service, tokens), raise_server_exceptions=False) as c:
        yield c


def bearer(tokens: TokenDirectory, name: str, scope: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.add(name, scope, by='admin')[1]}"}


def token_of(service: QueueService, ticket_id: int) -> str:
    return service.ticket_token(service.ticket(ticket_id))


def test_ticket_json_in_its_language_and_another(service: QueueService, client: TestClient) -> None:
    service.issue("pension-new")
    issued = service.issue("pension-new", language="uk")
    token = token_of(service, issued.ticket.id)
    answer = client.get(f"/api/v1/tickets/{token}")
    assert answer.status_code == 200
    data = answer.json()
    assert data == {
        "number": "P-002",
        "state": "waiting",
        "language": "uk",
        "lang": "uk",
        "department": {"code": "pensions", "name": service.catalogue.dept("pensions").name("uk")},
        "service": {"code": "pension-new", "name": service.catalogue.service("pension-new")[0].name("uk")},
        "windows": ["6", "7", "8"],
        "ahead": 1,
        "wait_minutes": issued.wait_minutes,
        "window": None,
        "called_at": None,
        "recalls": 0,
        "last_recall_at": None,
        "on_my_way": False,
        "booked_at": None,
        "called_about": None,
        "transferred_from": None,
        "day": "2026-11-23",
        "rating": {"open": False, "score": None},
    }
    english = client.get(f"/api/v1/tickets/{token.lower()}?lang=en").json()  # any case, like the URL
    assert english["lang"] == "en" and english["department"]["name"] == "Pensions"
    bad = client.get(f"/api/v1/tickets/{token}?lang=de")
    assert bad.status_code == 400 and "lang must be one of" in bad.json()["error"]


def test_forged_unknown_and_other_day_tokens(
    service: QueueService, client: TestClient, clock: FixedClock
) -> None:
    issued = service.issue("pension-new")
    token = token_of(service, issued.ticket.id)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    ghost = signing.sign(
        service.secret, signing.Payload(issued.ticket.id + 1, issued.ticket.day, "P-002", "pensions", ("6",))
    )
    for bad in (forged, ghost, "K1:1", "1", str(issued.ticket.id), "P-001"):
        for path in ("", "/events", "/on-my-way", "/leave"):
            method = client.get if path in ("", "/events") else client.post
            answer = method(f"/api/v1/tickets/{bad}{path}")
            assert answer.status_code == 404, (bad, path)
            assert answer.json() == {"error": "no such ticket: the link is wrong or damaged"}
    clock.advance(days=1)
    answer = client.get(f"/api/v1/tickets/{token}")
    assert answer.status_code == 410 and "not from today" in answer.json()["error"]


def test_on_my_way_and_leave_from_the_phone(service: QueueService, client: TestClient) -> None:
    first = service.issue("pension-new")
    second = service.issue("pension-new")
    token = token_of(service, first.ticket.id)
    early = client.post(f"/api/v1/tickets/{token}/on-my-way")
    assert early.status_code == 409 and "not called" in early.json()["error"]
    service.call_next("7")
    answer = client.post(f"/api/v1/tickets/{token}/on-my-way")
    assert answer.status_code == 200
    assert answer.json()["on_my_way"] is True and answer.json()["window"] == "7"
    assert client.post(f"/api/v1/tickets/{token}/on-my-way").status_code == 200  # idempotent
    assert [e.kind for e in service.history(first.ticket.id)].count("on_my_way") == 1
    other = token_of(service, second.ticket.id)
    left = client.post(f"/api/v1/tickets/{other}/leave")
    assert left.status_code == 200 and left.json()["state"] == "cancelled"
    last = service.history(second.ticket.id)[-1]
    assert (last.kind, last.data, last.staff) == ("cancelled", {"source": "phone"}, None)
    again = client.post(f"/api/v1/tickets/{other}/leave")
    assert again.status_code == 409 and "cannot leave" in again.json()["error"]
    assert client.get(f"/api/v1/tickets/{other}/leave").status_code == 405
    assert client.get(f"/api/v1/tickets/{other}/leave").json() == {"error": "Method Not Allowed"}


def test_queue_and_stats_need_a_read_token(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    service.issue("pension-new")
    service.issue("job-register")
    service.call_next("9")
    for path in ("/api/v1/queue", "/api/v1/stats"):
        answer = client.get(path)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert "API token" in answer.json()["error"]
        wrong = client.get(path, headers={"Authorization": "Bearer kt_nope"})
        assert wrong.status_code == 401 and wrong.json() == {"error": "unknown or revoked API token"}
    reader = bearer(tokens, "dashboard", "read")
    queue = client.get("/api/v1/queue?lang=en", headers=reader).json()
    by_code = {d["code"]: d for d in queue["departments"]}
    assert queue["day"] == "2026-11-23"
    assert by_code["pensions"]["waiting"] == 1 and by_code["pensions"]["called"] == []
    assert by_code["employment"]["waiting"] == 0 and by_code["employment"]["name"] == "Employment centre"
    assert [c["number"] for c in by_code["employment"]["called"]] == ["E-001"]
    assert by_code["employment"]["called"][0]["window"] == "9"
    stats = client.get("/api/v1/stats?day=2026-11-23", headers=reader).json()
    assert stats["day"] == "2026-11-23" and stats["total"]["issued"] == 2
    assert client.get("/api/v1/stats", headers=reader).json()["total"]["issued"] == 2
    assert client.get("/api/v1/stats?day=2026-11-22", headers=reader).json()["total"]["issued"] == 0
    bad = client.get("/api/v1/stats?day=23.11.2026", headers=reader)
    assert bad.status_code == 400 and bad.json() == {"error": "day must be a date like 2026-11-23"}
    tokens.revoke("dashboard", by="admin")
    revoked = client.get("/api/v1/queue", headers=reader)
    assert revoked.status_code == 401 and revoked.json() == {"error": "unknown or revoked API token"}


def test_issue_needs_the_issue_scope_and_names_the_token(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    body: dict[str, Any] = {"service": "pension-new", "language": "ro", "interpreter": True}
    assert client.post("/api/v1/tickets", json=body).status_code == 401
    reader = bearer(tokens, "dashboard", "read")
    refused = client.post("/api/v1/tickets", json=body, headers=reader)
    assert refused.status_code == 403 and "needs 'issue'" in refused.json()["error"]
    writer = bearer(tokens, "appointments", "issue")
    answer = client.post("/api/v1/tickets", json=body, headers=writer)
    assert answer.status_code == 201
    data = answer.json()
    assert data["number"] == "P-001" and data["language"] == "ro" and data["state"] == "waiting"
    assert data["qr"] == data["token"] and data["token"].startswith("K1:")  # no public_url here
    ticket = service.ticket_of_token(data["token"])
    issued = service.history(ticket.id)[0]
    assert issued.data["source"] == "api" and issued.data["token"] == "appointments"
    assert issued.data["interpreter"] is True
    assert client.get("/api/v1/queue", headers=writer).status_code == 200  # issue may read
    for wrong, status, words in (
        ({"service": "nothing"}, 404, "nothing"),
        ({"service": "pension-new", "language": "de"}, 404, "language 'de' is not offered"),
        ({"service": "pension-new", "priority": "king"}, 404, "king"),
        ({"service": "pension-new", "colour": "red"}, 400, "colour: Extra inputs are not permitted"),
        ({"language": "en"}, 400, "service: Field required"),
        ({"service": 7}, 400, "service: Input should be a valid string"),
    ):
        answer = client.post("/api/v1/tickets", json=wrong, headers=writer)
        assert answer.status_code == status, wrong
        assert words in answer.json()["error"], answer.json()
    broken = client.post("/api/v1/tickets", content=b"{not json", headers=writer)
    assert broken.status_code == 400 and "not a ticket request" in broken.json()["error"]


def test_issue_in_a_closed_department_is_a_conflict(
    service: QueueService, client: TestClient, tokens: TokenDirectory, clock: FixedClock
) -> None:
    clock.advance(hours=12)  # 22:00: every department has given its last ticket
    answer = client.post(
        "/api/v1/tickets", json={"service": "pension-new"}, headers=bearer(tokens, "crm", "issue")
    )
    assert answer.status_code == 409 and "Pensions" in answer.json()["error"]


def test_rate_limit_per_client_answers_429_with_retry_after(service: QueueService) -> None:
    token = token_of(service, service.issue("pension-new").ticket.id)
    with TestClient(create_app(service, rate="3/minute")) as client:
        answers = [client.get(f"/api/v1/tickets/{token}") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
    assert answers[-1].json()["error"].startswith("too many requests")


def test_unknown_paths_and_unexpected_errors_are_json_without_traceback(service: QueueService) -> None:
    class Broken(QueueService):
        def ticket_statuses(self, ids: Any) -> Any:
            raise RuntimeError("secret internals")

    broken = Broken(service.db, service.settings, service.clock, service.secret, service.catalogue)
    token = token_of(service, service.issue("pension-new").ticket.id)
    with TestClient(create_app(broken), raise_server_exceptions=False) as client:
        missing = client.get("/api/v1/nothing")
        assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
        failed = client.get(f"/api/v1/tickets/{token}")
    assert failed.status_code == 500
    assert failed.json() == {"error": "internal error: the server logged it"}
    assert "secret" not in failed.text and "Traceback" not in failed.text


def test_openapi_describes_every_route(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    app = client.app
    served = {
        (route.path, method)
        for route in app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith("/api/")  # not the ticket page (web.phone)
        for method in (route.methods or ()) - {"HEAD"}
    }
    assert described == served


def test_every_answer_is_kept_by_no_cache_and_never_sniffed(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    """A ticket's address is its capability: its JSON, the API's answers and its errors say no-store
    and nosniff; the phone page's HTML (the same for every ticket) is revalidated instead."""
    token = token_of(service, service.issue("pension-new").ticket.id)
    answers = [
        client.get(f"/api/v1/tickets/{token}"),
        client.get("/api/v1/tickets/forged-token"),
        client.get("/api/v1/queue", headers=bearer(tokens, "dashboard", "read")),
        client.get("/api/v1/queue"),
        client.get("/api/v1/openapi.json"),
        client.post("/api/v1/tickets", content=b"{not json"),
    ]
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store", answer.request.url
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
    assert [a.status_code for a in answers] == [200, 404, 200, 401, 200, 401]
    page = client.get(f"/t/{token}")
    assert (page.headers["cache-control"], page.headers["x-content-type-options"]) == ("no-cache", "nosniff")


def test_a_database_outage_is_one_calm_line_without_its_details(
    service: QueueService, client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The answer says only "temporarily unavailable" (the URL, host, port and the driver's words go
    to the log), on the phone's public endpoints and the API alike."""
    token = token_of(service, service.issue("pension-new").ticket.id)
    service.db.dispose()
    url = service.settings.db_url
    if url.startswith("postgresql"):
        drop_pg_database(url)  # the database is gone from the server
        said = "does not exist"
    else:
        for path in tmp_path.glob("kiosk.sqlite3*"):
            path.unlink()
        (tmp_path / "kiosk.sqlite3").mkdir()  # the database file is gone: nothing can open it
        said = "unable to open database file"
    for answer in (client.get(f"/api/v1/tickets/{token}"), client.post(f"/api/v1/tickets/{token}/on-my-way")):
        assert answer.status_code == 503
        assert answer.json() == {"error": "temporarily unavailable: please try again in a minute"}
        assert answer.headers["retry-after"] == "30"
    assert said in caplog.text
    health = client.get("/healthz")
    assert (health.status_code, health.headers["retry-after"]) == (503, "30")
    assert health.json() == {"database": "unavailable", "printers": None, "version": __version__}


def test_the_health_probe_needs_no_token_and_tells_no_internals(
    service: QueueService, client: TestClient
) -> None:
    """A monitoring system asks "are you well?": the database answers, today's printing in figures
    and the version; never a printer's address, a name or a ticket."""
    assert client.get("/healthz").json() == {
        "database": "ok",
        "printers": {"printed_today": 0, "failed_today": 0, "latest": None},
        "version": __version__,
    }
    first = service.issue("pension-new").ticket
    second = service.issue("pension-new").ticket
    service.record_notice("printed", first.id, {"printer": "tcp://10.0.0.7:9100"})
    failed = {"printer": "tcp://10.0.0.7:9100", "reason": "offline", "message": "no answer from 10.0.0.7"}
    service.record_notice("print_failed", second.id, failed)
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["printers"] == {"printed_today": 1, "failed_today": 1, "latest": "failed"}
    assert "10.0.0.7" not in answer.text and first.code not in answer.text
    assert answer.headers["cache-control"] == "no-store"


def test_priority_claims_through_a_token_keep_the_kiosks_repeat_rule(
    service: QueueService, client: TestClient, tokens: TokenDirectory, clock: FixedClock
) -> None:
    """Nobody checks a document behind the API either: one priority ticket of a category per token
    per `priority_repeat_minutes`; the next claim goes to the front desk. Another token, another
    category or a later claim is given."""
    website, partner = bearer(tokens, "website", "issue"), bearer(tokens, "partner", "issue")
    veteran = {"service": "pension-new", "priority": "veteran"}
    assert client.post("/api/v1/tickets", json=veteran, headers=website).status_code == 201
    again = client.post("/api/v1/tickets", json=veteran, headers=website)
    assert again.status_code == 409
    assert "through the API token 'website'" in again.json()["error"]
    assert client.post("/api/v1/tickets", json=veteran, headers=partner).status_code == 201
    other = {"service": "pension-new", "priority": "aged-80"}
    assert client.post("/api/v1/tickets", json=other, headers=website).status_code == 201
    assert client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=website).status_code == 201
    clock.advance(minutes=service.settings.priority_repeat_minutes + 1)
    assert client.post("/api/v1/tickets", json=veteran, headers=website).status_code == 201
    assert len(service.day_view()) == 5, "the refused claim issued nothing"


def test_a_body_over_64_kb_is_refused_unread(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    """413 from the Content-Length without reading the body, or as soon as a body sent in chunks
    passes the limit; nothing issued or booked, and the next small request is served."""
    writer = bearer(tokens, "website", "issue")
    big = b'{"service": "pension-new", "x": "' + b"x" * (65 * 1024) + b'"}'
    for path in ("/api/v1/tickets", "/api/v1/appointments"):
        answer = client.post(path, content=big, headers=writer)
        assert answer.status_code == 413 and "over 64 KB" in answer.json()["error"], path

    def chunks() -> Iterator[bytes]:
        yield b'{"service": "pension-new", "x": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    chunked = client.post("/api/v1/tickets", content=chunks(), headers=writer)
    assert chunked.status_code == 413 and "over 64 KB" in chunked.json()["error"]
    lying = client.post("/api/v1/tickets", content=b"{}", headers={**writer, "Content-Length": "x"})
    assert lying.status_code == 400
    assert service.day_view() == [] and not service.bookings(service.today())
    assert client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=writer).status_code == 201


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(
    service: QueueService, client: TestClient, tokens: TokenDirectory
) -> None:
    """A client that lost the answer (the server died after saving) retries with the same key and
    gets the same ticket or booking, with nothing new made; a new key, or another token's, makes one."""
    website, partner = bearer(tokens, "website", "issue"), bearer(tokens, "partner", "issue")
    once = {**website, "Idempotency-Key": "6f1c2b9e-5a4d-4f3e-9b8a-1c2d3e4f5a6b"}
    first = client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=once)
    again = client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=once)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"] == "P-001"
    assert again.json()["token"] == first.json()["token"]
    other = client.post("/api/v1/tickets", json={"service": "pension-new"}, headers={**once, **partner})
    assert other.json()["number"] == "P-002", "a key is the token's own"
    fresh = {**website, "Idempotency-Key": "another"}
    assert (
        client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=fresh).json()["number"]
        == "P-003"
    )
    assert len(service.day_view()) == 3

    slot = {"service": "pension-new", "at": "2026-11-24T09:00"}
    booked = client.post("/api/v1/appointments", json=slot, headers=once)
    retried = client.post("/api/v1/appointments", json=slot, headers=once)
    assert booked.status_code == retried.status_code == 201
    assert retried.json()["code"] == booked.json()["code"]
    assert len(service.bookings(service.local().date().replace(day=24))) == 1

    for bad in ("", "x" * 65, "a\tb", "café".encode("latin-1")):
        headers = {**website, "Idempotency-Key": bad}
        refused = client.post("/api/v1/tickets", json={"service": "pension-new"}, headers=headers)
        assert refused.status_code == 400 and "Idempotency-Key" in refused.json()["error"], bad
    assert len(service.day_view()) == 3
