"""The visitor's ticket page (`kiosk web`, /t/<token>): served alike for any token with everything
from this server, its texts in the seven languages, its script plain enough for an old phone; and in
Debian's Chromium (Playwright) in a phone's viewport against `kiosk web` as a subprocess: the QR read
back from a printed ticket opens it, people ahead fall as others are called by `kiosk call`, the call
shows the window full screen (the latency is printed, not asserted), on my way, a recall, a transfer,
leaving from the page with its source recorded, the other ends of a ticket, bad links, polling where
EventSource is missing, and 200 % text.

With KIOSK_SCREENSHOTS=<folder> the browser tests save the README's pictures there
(docs/screenshots/phone-*.png)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from harness.decode import decode_job
from kiosk.clock import FixedClock
from kiosk.config import Settings, load_settings
from kiosk.domain.events import Kind
from kiosk.domain.languages import LANGUAGES, NATIVE_NAMES
from kiosk.presentation.visitor_page import TEXTS, page_texts
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.service import QueueService
from printer.printing import TicketPrinter
from tests import test_web
from tests.conftest import MONDAY_10
from tests.test_i18n import placeholders
from tests.test_printer import read_qr
from tests.test_web import WAIT_MS, free_port
from web.app import create_app
from web.phone import phone_dir

PIN = "482915"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def client(service: QueueService) -> Iterator[TestClient]:
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        yield c


# Served from here, for any token ----------------------------------------------------------------


def test_the_page_is_the_same_for_any_token_and_loads_only_from_this_server(
    service: QueueService, client: TestClient
) -> None:
    token = service.ticket_token(service.issue("pension-new").ticket)
    pages = [client.get(path) for path in (f"/T/{token}", f"/t/{token.lower()}", "/t/K1:NOT-A-TICKET")]
    assert {p.status_code for p in pages} == {200}
    assert len({p.text for p in pages}) == 1, "the HTML names no ticket: the script reads the address"
    html = pages[0]
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert "connect-src 'self'" in html.headers["content-security-policy"]
    assert html.headers["referrer-policy"] == "no-referrer"  # the ticket's address never leaves

    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert sorted(assets) == ["/t/static/phone.css", "/t/static/phone.js", "/t/static/texts.js", "data:,"]
    css = client.get("/t/static/phone.css").text
    fonts = ["/t/static/" + url for url in re.findall(r'url\("([^"]+)"\)', css)]
    assert fonts == ["/t/static/fonts/DejaVuSans.woff2", "/t/static/fonts/DejaVuSans-Bold.woff2"]
    for url in [*(a for a in assets if a.startswith("/")), *fonts]:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "default-src 'none'" in answer.headers["content-security-policy"], url
    for name in ("index.html", "phone.css", "phone.js"):
        assert not re.search(r"https?://|//[a-z]", (phone_dir() / name).read_text()), (
            f"{name} names another site"
        )
    assert client.get("/t/static/nothing.js").status_code == 404


def texts_of(script: str) -> dict[str, Any]:
    prefix = "window.PAGE_TEXTS = "
    assert script.startswith(prefix) and script.rstrip().endswith(";")
    data: dict[str, Any] = json.loads(script.removeprefix(prefix).rstrip().removesuffix(";"))
    return data


def test_the_page_speaks_every_language_from_the_catalogues(client: TestClient) -> None:
    answer = client.get("/t/static/texts.js")
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
    data = texts_of(answer.text)
    assert data["languages"] == list(LANGUAGES)
    assert data["names"] == NATIVE_NAMES
    english = data["texts"]["en"]
    assert english == dict(TEXTS)
    for lang in LANGUAGES:
        texts = data["texts"][lang]
        assert texts == page_texts(lang) and set(texts) == set(TEXTS)
        for key, value in texts.items():
            assert value.strip(), f"{lang} {key}"
            assert placeholders(value) == placeholders(english[key]), f"{lang} {key}"
            if lang != "en":
                assert value != english[key], f"{lang} {key} is still English"
    assert data["texts"]["uk"]["leave"] == "Вийти з черги"
    assert data["texts"]["vi"]["on_my_way"] == "Tôi đang đến"


def code_of(script: str) -> str:
    """The script without its comments (and without the strings' text)."""
    script = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    script = re.sub(r"^\s*//.*$", "", script, flags=re.M)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', script)


def test_the_script_is_plain_es5_for_old_phones() -> None:
    code = code_of((phone_dir() / "phone.js").read_text())
    assert "XMLHttpRequest" in code and "EventSource" in code
    newer = {
        "arrow function": r"=>",
        "template string": r"`",
        "let/const": r"\b(?:let|const)\s",
        "optional chaining or ??": r"\?\.|\?\?",
        "module": r"^\s*(?:import|export)\b",
        "class": r"\bclass\s+\w+",
        "async": r"\b(?:async|await)\b",
        "fetch": r"\bfetch\(",
        "spread": r"\.\.\.\w",
    }
    found = {what: re.findall(pattern, code, flags=re.M) for what, pattern in newer.items()}
    assert {what: hits for what, hits in found.items() if hits} == {}


@pytest.mark.parametrize("weight", ["", "-Bold"])
def test_the_page_font_has_every_letter_of_its_texts(weight: str) -> None:
    from fontTools.ttLib import TTFont  # reads WOFF2 with brotli (the test extra)

    path = phone_dir() / "fonts" / f"DejaVuSans{weight}.woff2"
    cmap = TTFont(path).getBestCmap()
    texts = [*NATIVE_NAMES.values(), *(v for lang in LANGUAGES for v in page_texts(lang).values())]
    letters = {c for text in texts for c in text if c.isprintable() and not c.isspace()}
    assert set("ếệșțğıєыёăâ") <= letters, "the texts of every language were read"
    assert sorted(c for c in letters if ord(c) not in cmap) == []
    assert all(ord(c) in cmap for c in "0123456789-ÀẠẶỆỰ")  # ticket numbers; department names
    assert path.stat().st_size < 60_000
    assert (phone_dir() / "fonts" / "LICENSE-DejaVuSans.txt").is_file()


# In a phone's browser ------------------------------------------------------------------------


browser = test_web.browser  # Debian's Chromium through Playwright, as for the web kiosk


class PhoneCentre:
    """A centre whose QR holds the page's URL (`public_url` on a free port), an administrator for the
    staff commands, and `kiosk web` serving it as a subprocess, all on a clock pinned to a Monday."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = tmp / "kiosk.toml"
        config.write_text(
            f'centre_name = "Test centre"\ndata_dir = "data"\nspeech = false\npublic_url = "{self.base}"\n'
        )
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env.update(
            KIOSK_CONFIG=str(config), KIOSK_NOW=MONDAY_10.isoformat(), XDG_DATA_HOME=str(tmp / "xdg"),
            KIOSK_STAFF="Olena", KIOSK_PIN=PIN,
        )  # fmt: skip
        self.settings: Settings = load_settings(config, environ={})
        self.clock = FixedClock(MONDAY_10)
        initialise(self.settings, self.clock)
        self.service: QueueService = open_service(self.settings, self.clock)
        open_staff(self.service).add("Olena", "admin", PIN)
        self.server: subprocess.Popen[bytes] | None = None

    def serve(self) -> None:
        with (self.tmp / "web.log").open("wb") as log:  # the server writes to its own copy
            self.server = subprocess.Popen(
                [sys.executable, "-m", "cli", "web", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            assert self.server.poll() is None, (self.tmp / "web.log").read_text()
            try:
                import socket

                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "kiosk web never listened"
                time.sleep(0.1)

    def kiosk(self, *args: str) -> str:
        """A command of a counter's terminal: another process on the same database."""
        done = subprocess.run(
            [sys.executable, "-m", "cli", *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.strip()

    def printed_url(self, service: str, language: str) -> tuple[int, str]:
        """A ticket issued and printed (preview printer); its QR read back off the printed image."""
        issued = self.service.issue(service, language=language)
        printer = TicketPrinter(self.service, f"preview://{self.tmp / 'printed'}")
        result = printer.submit(issued).result(timeout=30)
        printer.close()
        assert result.ok and result.job
        image, _ = decode_job(Path(result.job).read_bytes())
        url = read_qr(image)
        assert url == issued.qr and url.startswith(f"HTTP://127.0.0.1:{self.port}/T/K1:")
        return issued.ticket.id, url

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.service.db.dispose()


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[PhoneCentre]:
    centre = PhoneCentre(tmp_path)
    yield centre
    centre.stop()


def phone(browser: Any, *, reduced_motion: bool = False, scripts: tuple[str, ...] = ()) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, has_touch=True, is_mobile=True,
        reduced_motion="reduce" if reduced_motion else "no-preference",
    )  # fmt: skip
    # What the page asks the phone to vibrate (a headless browser has no motor to feel).
    context.add_init_script(
        "window.vibrated = []; navigator.vibrate = function (p) { vibrated.push(p); return true; };"
    )
    for script in scripts:
        context.add_init_script(script)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    return page


def state_is(page: Any, state: str) -> None:
    page.wait_for_function("s => document.body.dataset.state === s", arg=state)


def text(page: Any, selector: str) -> str:
    value: str = page.locator(selector).inner_text()
    return value


def wait_text(page: Any, selector: str, wanted: str) -> None:
    page.wait_for_function(
        "([s, w]) => { const e = document.querySelector(s); return e && e.textContent === w; }",
        arg=[selector, wanted],
    )


def picture(page: Any, name: str) -> None:
    folder = os.environ.get("KIOSK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"phone-{name}.png"))


def ui(lang: str) -> dict[str, str]:
    return page_texts(lang)


@pytest.mark.slow
def test_a_visitor_follows_the_printed_ticket_to_the_call_and_leaves_after_a_transfer(
    centre: PhoneCentre, browser: Any
) -> None:
    service = centre.service
    for _ in range(3):
        service.issue("pension-new")  # three visitors before ours
    mine, url = centre.printed_url("pension-new", "uk")
    code = service.ticket(mine).code
    centre.serve()
    page = phone(browser)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto(url)  # the QR's text as it is: upper case
    state_is(page, "waiting")
    assert text(page, "#number") == code
    wait_text(page, "#ahead", "3")
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert text(page, "#title") == ui("uk")["title"]
    assert text(page, "#department") == service.catalogue.dept("pensions").name("uk")
    assert text(page, "#windows") == "6, 7, 8"
    assert page.evaluate("document.fonts.check(\"700 16px 'Page Sans'\", 'Ваш талон')")

    centre.kiosk("call", "-w", "6")
    wait_text(page, "#ahead", "2")
    centre.kiosk("call", "-w", "7")
    wait_text(page, "#ahead", "1")
    picture(page, "waiting")

    page.select_option("#lang", "en")  # switched: the page's texts and the names
    wait_text(page, "#department", "Pensions")
    assert text(page, "#title") == "Your ticket" and page.evaluate("document.documentElement.lang") == "en"
    centre.kiosk("call", "-w", "8")
    wait_text(page, "#ahead", "You are next")

    page.tap("#sound")  # the visitor's tap lets the page play its chime
    assert page.get_attribute("#sound", "aria-pressed") == "true"
    centre.kiosk("start", "-w", "6")
    centre.kiosk("finish", "-w", "6")
    call = subprocess.Popen(
        [sys.executable, "-m", "cli", "call", "-w", "6"], env=centre.env, stdout=subprocess.PIPE, text=True
    )
    assert call.stdout is not None
    said = call.stdout.readline()  # printed once the call is in the database
    called_at = time.monotonic()
    state_is(page, "called")
    latency = time.monotonic() - called_at
    assert call.wait(timeout=60) == 0 and said.startswith(f"{code} called at window 6")
    call.stdout.close()
    print(f"kiosk call to the phone's called screen: {latency * 1000:.0f} ms")
    assert text(page, "#called-window") == "6"
    box = page.locator("#called").bounding_box()
    assert (box["width"], box["height"]) == (PHONE["width"], PHONE["height"]), "the whole screen"
    assert page.evaluate("document.body.className") == "flash"
    assert page.evaluate("window.vibrated.length") == 1
    assert page.evaluate("window.ticketPage.audio !== null && window.ticketPage.audio.state") == "running"
    picture(page, "called")

    page.tap("#on-my-way")
    page.wait_for_selector("#on-my-way-sent", state="visible")
    assert service.ticket_statuses([mine])[mine].on_my_way
    centre.kiosk("recall", "-w", "6")
    page.wait_for_selector("#called-recall", state="visible")
    assert text(page, "#called-recall") == "You are called again"
    page.wait_for_function("window.vibrated.length === 2")  # the recall calls again

    centre.kiosk("transfer", code, "--to", "employment")
    state_is(page, "waiting")
    employment = service.catalogue.dept("employment")
    wait_text(page, "#department", employment.name("en"))
    assert text(page, "#number") == code, "the same number"
    assert text(page, "#windows") == ", ".join(employment.windows)
    assert (
        text(page, "#transfer")
        == f"Your ticket has moved from Pensions to {employment.name('en')}. Your number stays the same."
    )
    picture(page, "transferred")

    page.tap("#leave")
    page.wait_for_selector("#confirm", state="visible")
    page.tap("#leave-no")  # not by mistake
    page.wait_for_selector("#confirm", state="hidden")
    assert service.ticket(mine).state == "waiting"
    page.tap("#leave")
    page.tap("#leave-yes")
    state_is(page, "cancelled")
    assert text(page, "#message") == "You have left the queue. Your ticket is cancelled."
    assert not page.locator("#leave").is_visible()
    (cancelled,) = [e for e in service.history(mine) if e.kind == Kind.CANCELLED]
    assert cancelled.data.get("source") == "phone"

    assert {urlsplit(u).netloc for u in requests} == {f"127.0.0.1:{centre.port}"}, requests
    assert any(u.endswith(".woff2") for u in requests)
    assert page.errors == []


@pytest.mark.slow
def test_the_other_ends_of_a_ticket_and_bad_links_show_plainly(centre: PhoneCentre, browser: Any) -> None:
    friday = open_service(centre.settings, FixedClock(MONDAY_10 - timedelta(days=3)))  # Friday
    old = friday.ticket_token(friday.issue("pension-new").ticket)
    friday.db.dispose()
    service = centre.service
    tokens = {}
    for name in ("no_show", "done", "closed"):
        ticket = service.issue("pension-new", language="ro").ticket
        tokens[name] = service.ticket_token(ticket)
    centre.clock.set(MONDAY_10.replace(minute=10))  # checked in 10 min before the slot, behind 3
    booked = service.check_in(service.book("pension-new", datetime(2026, 11, 23, 10, 20)).code, language="ro")
    tokens["booked"] = service.ticket_token(booked.ticket)
    centre.serve()
    ro = ui("ro")

    page = phone(browser)  # called when the slot begins, not after the line: no "people ahead"
    page.goto(f"{centre.base}/t/{tokens['booked']}")
    state_is(page, "waiting")
    assert text(page, "#booked") == ro["booked"].format(time="10:20")
    assert not page.locator("#ahead-figure").is_visible() and page.locator("#wait-figure").is_visible()

    page = phone(browser, scripts=("delete window.EventSource; window.EventSource = undefined;",))
    page.goto(f"{centre.base}/t/{tokens['no_show']}")
    state_is(page, "waiting")  # by polling: no EventSource here
    assert page.evaluate("window.ticketPage.polling !== null && window.ticketPage.stream === null")
    centre.kiosk("call", "-w", "6")
    state_is(page, "called")
    centre.kiosk("no-show", "-w", "6")
    state_is(page, "no_show")
    assert text(page, "#message") == ro["no_show"]

    page.goto(f"{centre.base}/t/{tokens['done']}")
    centre.kiosk("call", "-w", "6")
    state_is(page, "called")
    centre.kiosk("start", "-w", "6")
    state_is(page, "serving")
    assert text(page, "#message") == ro["serving"].format(window="6")
    centre.kiosk("finish", "-w", "6")
    state_is(page, "done")
    assert text(page, "#message") == ro["done"]

    page.goto(f"{centre.base}/t/{tokens['closed']}")
    state_is(page, "waiting")
    centre.kiosk("close-day")
    state_is(page, "closed")
    assert text(page, "#message") == ro["closed"]

    page = phone(browser)  # with EventSource: its stream is refused, the page asks why
    page.goto(f"{centre.base}/T/{old}")
    state_is(page, "other_day")  # 410
    assert text(page, "#problem-text") == ui("en")["other_day"]  # no ticket to tell its language
    page.goto(f"{centre.base}/T/{tokens['closed'][:-2]}AA")
    state_is(page, "not_found")  # 404: forged
    assert text(page, "#problem-text") == ui("en")["not_found"]
    assert not page.locator("#ticket").is_visible()


@pytest.mark.slow
def test_at_200_percent_text_nothing_important_is_cut(centre: PhoneCentre, browser: Any) -> None:
    service = centre.service
    service.issue("pension-new")
    mine, url = centre.printed_url("pension-new", "vi")
    centre.serve()
    page = phone(browser, reduced_motion=True)
    page.goto(url)
    state_is(page, "waiting")
    # the phone's largest text: the root font at 200 % (the page sizes everything in rem)
    page.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 32

    def whole(selector: str) -> None:
        box = page.locator(selector).bounding_box()
        assert box is not None and box["width"] > 0, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
        cut = page.evaluate(
            "s => { const e = document.querySelector(s); return e.scrollWidth > e.clientWidth + 1; }",
            selector,
        )
        assert not cut, f"{selector} is cut"

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    for selector in ("#number", "#department", "#ahead", "#wait", "#leave", "#lang", "#sound"):
        whole(selector)
    picture(page, "large-text")

    service.call_next("6")
    service.call_next("7")
    state_is(page, "called")
    for selector in ("#called-title", "#called-window", "#called-number", "#on-my-way"):
        whole(selector)
    window = page.locator("#called-window").bounding_box()
    assert window["y"] + window["height"] <= PHONE["height"], "the window number is on the first screen"
    # no flashing where the phone asks for reduced motion: a steady strong colour instead
    assert page.evaluate("getComputedStyle(document.querySelector('#called')).animationName") == "none"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#called')).backgroundColor")
        == "rgb(255, 90, 0)"
    )
    assert page.errors == []
    assert service.ticket(mine).window == "7"


@pytest.mark.slow
def test_the_phones_benchmark_runs_at_a_tiny_scale() -> None:
    """bench.phones with 5 phones: every phone follows, every call reaches its phone, the server's
    memory is read (the figures themselves are printed, never asserted)."""
    from bench.phones import report, run

    figures = run(phones=5, calls=5, progress=False)
    print(report(figures))
    assert figures.connected == 5
    assert figures.calls >= 3 and figures.seen == figures.calls
    assert 0 < figures.latency_p50_ms <= figures.latency_p95_ms <= figures.latency_max_ms
    assert figures.server_hwm_mb >= figures.server_rss_mb > 0
