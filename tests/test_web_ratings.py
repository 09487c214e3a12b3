"""The visitor's rating through `kiosk web`, on SQLite and PostgreSQL: `POST /api/v1/tickets/{token}/rating`
answers 201, 409 (with its reason), 400 for any body that is not a rating, 404/410 for a token that
names no ticket of today, and records nothing unless it answers 201; the ticket's JSON says whether it
may be rated; the page's texts carry the rating in the seven languages; and in Chromium the page turns
into the rating once the ticket is finished: a face, a reason, send, thank you."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from kiosk.clock import FixedClock
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.ratings import BAD_REASONS, GOOD_REASONS, REASONS
from kiosk.presentation.visitor_page import page_texts
from kiosk.runtime import open_service
from kiosk.service import QueueService
from tests.conftest import MONDAY_10
from tests.test_phone_page import PHONE, PhoneCentre, centre, phone, picture, state_is, text  # noqa: F401
from tests.test_ratings import served
from tests.test_web import browser  # noqa: F401 (fixture)
from web.app import create_app
from web.hub import Hub
from web.phone import phone_dir


@pytest.fixture
def client(service: QueueService) -> Iterator[TestClient]:
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        yield c


def rating_of(service: QueueService, ticket_id: int) -> list[dict[str, Any]]:
    return [e.data for e in service.history(ticket_id) if e.kind == "rated"]


def test_a_finished_ticket_is_rated_once_from_the_phone(service: QueueService, client: TestClient) -> None:
    ticket = service.issue("pension-new", language="uk").ticket
    token = service.ticket_token(ticket)
    url = f"/api/v1/tickets/{token}"
    assert client.get(url).json()["rating"] == {"open": False, "score": None}
    early = client.post(f"{url}/rating", json={"score": 5})
    assert early.status_code == 409 and early.json()["reason"] == "not_served"
    assert "error" in early.json()

    service.call_next("6", staff="Olena")
    service.start(window="6", staff="Olena")
    service.finish(window="6", staff="Olena")
    assert client.get(url).json()["rating"] == {"open": True, "score": None}
    given = client.post(f"{url}/rating", json={"score": 2, "reasons": ["waited_too_long", "staff_helpful"]})
    assert given.status_code == 201
    assert given.json() == {
        "number": ticket.code, "score": 2, "reasons": ["staff_helpful", "waited_too_long"],
        "at": "2026-11-23T10:00:00+02:00",
    }  # fmt: skip
    assert "Olena" not in given.text, "no staff member in the visitor's answers"
    assert client.get(url).json()["rating"] == {"open": False, "score": 2}

    again = client.post(f"{url}/rating", json={"score": 5})
    assert again.status_code == 409 and again.json()["reason"] == "rated"
    assert rating_of(service, ticket.id) == [
        {"score": 2, "reasons": ["staff_helpful", "waited_too_long"], "source": "phone", "window": "6",
         "served_by": "Olena"},
    ]  # fmt: skip


def test_a_token_of_no_ticket_of_today_is_404_or_410(service: QueueService, client: TestClient) -> None:
    friday = open_service(service.settings, FixedClock(MONDAY_10.replace(day=20)))
    old = friday.ticket_token(served(friday, "pension-new", "6", "Olena"))
    friday.db.dispose()
    token = service.ticket_token(service.issue("pension-new").ticket)
    for bad, status in ((old, 410), (token[:-2] + "AA", 404), ("K1:nothing", 404), ("x" * 300, 404)):
        answer = client.post(f"/api/v1/tickets/{bad}/rating", json={"score": 5})
        assert answer.status_code == status and "error" in answer.json(), bad
    assert client.get(f"/api/v1/tickets/{token}/rating").status_code == 405


HOSTILE: list[bytes] = [
    b"", b"null", b"[]", b"{}", b"5", b'"5"', b"{", b"\xff\xfe{}", b'{"score": NaN}',
    *(json.dumps(body).encode() for body in (
        {"score": 0}, {"score": 6}, {"score": -1}, {"score": "5"}, {"score": 4.0}, {"score": 4.5},
        {"score": True}, {"score": None}, {"score": 10**40}, {"score": [5]}, {"score": {"value": 5}},
        {"reasons": ["quick_service"]}, {"score": 4, "reasons": "quick_service"},
        {"score": 4, "reasons": ["nice weather"]}, {"score": 4, "reasons": ["QUICK_SERVICE"]},
        {"score": 4, "reasons": ["quick_service", "quick_service"]},
        {"score": 4, "reasons": [["quick_service"]]},
        {"score": 4, "reasons": [None]}, {"score": 4, "reasons": {"quick_service": True}},
        {"score": 4, "reasons": list(REASONS) * 2}, {"score": 4, "reasons": ["quick_service"] * 3000},
        {"score": 4, "comment": "the clerk was rude"}, {"score": 4, "name": "Olena", "phone": "+380"},
        {"score": 4, "reasons": ["\ud800", "\x00", "\u202equick_service"]},
    )),
    b'{"score": 4, "reasons": ' + b"[" * 2000 + b"]" * 2000 + b"}",
]  # fmt: skip


def test_any_body_that_is_not_a_rating_is_400_and_records_nothing(
    service: QueueService, client: TestClient
) -> None:
    ticket = served(service, "pension-new", "6", "Olena")
    url = f"/api/v1/tickets/{service.ticket_token(ticket)}/rating"
    for body in HOSTILE:
        answer = client.post(url, content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (body[:80], answer.status_code, answer.text[:200])
        assert answer.json()["error"].startswith("the body is not a rating"), answer.text[:200]
        assert len(answer.text) < 2000, "the message names the problem, not the body"
    huge = client.post(url, content=b'{"score": 4, "reasons": [' + b'"x",' * 20_000 + b'"x"]}')
    assert huge.status_code == 413
    assert rating_of(service, ticket.id) == []
    assert client.post(url, content=b'{"score": 1, "reasons": []}').status_code == 201


def test_the_rating_is_public_and_rate_limited_like_on_my_way(service: QueueService) -> None:
    token = service.ticket_token(served(service, "pension-new", "6", "Olena"))
    with TestClient(create_app(service, rate="2/minute")) as client:
        answers = [client.post(f"/api/v1/tickets/{token}/rating", json={"score": 4}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 409, 429]
    assert "retry-after" in answers[-1].headers


async def test_a_rating_recorded_elsewhere_reaches_the_phones_stream(service: QueueService) -> None:
    """A paper rating at the front desk: the phone following the ticket is thanked, not asked."""
    ticket = served(service, "pension-new", "6", "Olena")
    hub = Hub(service)
    follower = hub.subscribe(ticket.id, ticket.department, "en")
    service.rate(ticket.code, 4, ["clear_explanation"], source="cli", staff="Olena")
    await hub.dispatch([e for e in service.history(ticket.id) if e.kind == "rated"])
    data = await follower.next()
    assert data is not None and data["rating"] == {"open": False, "score": 4}
    hub.unsubscribe(follower)


def test_the_page_has_the_rating_in_every_language() -> None:
    english = page_texts("en")
    keys = ["rate_title", "rate_anonymous", "rate_send", "rate_thanks", "rate_failed", "reasons_good",
            "reasons_bad", *(f"face_{n}" for n in range(1, 6)),
            *(f"reason_{code}" for code in REASONS)]  # fmt: skip
    assert set(keys) <= set(english)
    assert (english["face_1"], english["face_5"], english["reason_waited_too_long"]) == (
        "Very bad", "Very good", "Waited too long",
    )  # fmt: skip
    for lang in LANGUAGES:
        assert all(page_texts(lang)[key].strip() for key in keys), lang
    html = (phone_dir() / "index.html").read_text()
    for score in range(1, 6):
        assert f'data-score="{score}"' in html and f'id="face-{score}"' in html
    script = (phone_dir() / "phone.js").read_text()
    assert 'api("/rating")' in script and "textContent" in script and "innerHTML" not in script
    assert sorted(GOOD_REASONS + BAD_REASONS) == sorted(REASONS)


# In a phone's browser ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_page_turns_into_the_rating_once_served(centre: PhoneCentre, browser: Any) -> None:  # noqa: F811
    service = centre.service
    mine, url = centre.printed_url("pension-new", "vi")
    centre.serve()
    page = phone(browser)
    page.goto(url)
    state_is(page, "waiting")
    assert not page.locator("#rating").is_visible()
    service.call_next("6", staff="Olena")
    service.start(window="6", staff="Olena")
    service.finish(window="6", staff="Olena")
    state_is(page, "done")
    vi = page_texts("vi")
    page.wait_for_selector("#rating", state="visible")
    assert text(page, "#rate-title") == vi["rate_title"]
    assert text(page, "#face-2") == vi["face_2"]
    assert not page.locator("#rate-send").is_visible(), "a face first"

    page.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    for score in range(1, 6):  # every face whole, a thumb's target
        box = page.locator(f'button.face[data-score="{score}"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5 and box["height"] >= 44
    page.tap('button.face[data-score="4"]')  # the reasons and send show: nothing past a button's edge
    buttons = "Array.from(document.querySelectorAll('#rating button'))"
    assert page.evaluate(f"{buttons}.filter(e => e.scrollWidth > e.clientWidth + 1).length") == 0
    assert page.evaluate("document.getElementById('reasons').className") == "reasons good-first"

    page.tap('button.face[data-score="2"]')
    assert page.get_attribute('button.face[data-score="2"]', "aria-pressed") == "true"
    page.tap("#reason-waited_too_long")
    page.tap("#reason-hall_crowded")
    page.tap("#reason-hall_crowded")  # changed their mind
    picture(page, "rating")
    assert page.get_attribute("#reason-waited_too_long", "aria-pressed") == "true"
    assert text(page, "#reason-waited_too_long") == vi["reason_waited_too_long"]
    assert page.evaluate("document.getElementById('reasons').className") == "reasons", "the bad ones first"
    page.tap("#rate-send")
    page.wait_for_selector("#rate-thanks", state="visible")
    assert text(page, "#rate-thanks") == vi["rate_thanks"]
    assert not page.locator("#rating").is_visible()
    assert rating_of(service, mine) == [
        {"score": 2, "reasons": ["waited_too_long"], "source": "phone", "window": "6", "served_by": "Olena"}
    ]
    page.reload()  # the server remembers: thanked again, never asked twice
    page.wait_for_selector("#rate-thanks", state="visible")
    assert not page.locator("#rating").is_visible()
    assert page.errors == []
