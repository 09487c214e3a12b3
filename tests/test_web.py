"""The web kiosk in a real browser: Debian's Chromium, driven by Playwright, on `kiosk lobby --web` and
`kiosk display --web` served as subprocesses on 127.0.0.1.

The page's text is read from xterm.js's own buffer (what the terminal draws; the page exposes
textual-serve's session as window.kiosk.session), and taps land on the cells that hold a label. The
tests fail instead of skipping in CI when Chromium or Playwright is missing."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import zxingcpp
from babel.messages.pofile import read_po
from PIL import Image

from kiosk.clock import FixedClock
from kiosk.config import Settings, load_settings
from kiosk.domain.languages import NATIVE_NAMES
from kiosk.paths import bundled_data
from kiosk.presentation.i18n import translations
from kiosk.runtime import initialise, open_service
from kiosk.security.signing import read_secret, verify
from kiosk.service import QueueService
from screens.common.blocks import big_text
from tests.conftest import MONDAY_10, in_ci

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WEB = bundled_data() / "web"
WAIT_MS = 30_000  # how long a step may take to show on a loaded machine (a bound, not a measure)
FONT_SIZE = 23  # not the page's own fallback (22): --font-size must reach the page

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]


def missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI installs it: .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (the test extra)")
    if not Path(CHROMIUM).is_file():
        missing(f"chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Centre:
    """A centre on a temporary SQLite file with the clock pinned to a Monday morning, set up as the
    terminals read it: a settings file, named by KIOSK_CONFIG, and KIOSK_NOW."""

    def __init__(self, tmp: Path, public_url: str | None = None) -> None:
        self.tmp = tmp
        self.config = tmp / "kiosk.toml"
        public = f'public_url = "{public_url}"\n' if public_url else ""
        self.config.write_text('centre_name = "Test centre"\ndata_dir = "data"\nspeech = false\n' + public)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env.update(
            KIOSK_CONFIG=str(self.config), KIOSK_NOW=MONDAY_10.isoformat(), XDG_DATA_HOME=str(tmp / "xdg")
        )
        self.settings: Settings = load_settings(self.config, environ={})
        clock = FixedClock(MONDAY_10)
        initialise(self.settings, clock)
        self.service: QueueService = open_service(self.settings, clock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def centre(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Centre]:
    """The centre; parametrized indirectly with a `public_url` (the QR then holds a URL)."""
    centre = Centre(tmp_path, getattr(request, "param", None))
    yield centre
    centre.service.db.dispose()


class Served:
    def __init__(self, centre: Centre, *command: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        with (centre.tmp / "serve.log").open("wb") as log:  # the server writes to its own copy
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", *command, "--web", "--host", "127.0.0.1",
                 "--port", str(self.port), "--font-size", str(FONT_SIZE)],
                env=centre.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            assert self.process.poll() is None, (centre.tmp / "serve.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve(centre: Centre, *command: str) -> Iterator[Served]:
    served = Served(centre, *command)
    yield served
    served.stop()


@pytest.fixture
def lobby(centre: Centre) -> Iterator[Served]:
    yield from serve(centre, "lobby")


@pytest.fixture
def display(centre: Centre) -> Iterator[Served]:
    yield from serve(centre, "display", "--lang", "en")


def touch_page(browser: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A lobby touchscreen's browser window."""
    yield from touch_page(browser, 1280, 900)


@pytest.fixture
def tv(browser: Any) -> Iterator[Any]:
    """The hall's display: a full-HD screen."""
    yield from touch_page(browser, 1920, 1080)


# Reading and tapping the terminal in the page ---------------------------------------------------

SCREEN_JS = """() => {
  const session = window.kiosk && window.kiosk.session;
  if (!session) return [];
  const terminal = session.terminal, buffer = terminal.buffer.active, lines = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines;
}"""


def screen(page: Any) -> list[str]:
    lines: list[str] = page.evaluate(SCREEN_JS)
    return lines


def wait_for_text(page: Any, text: str) -> None:
    page.wait_for_function(f"text => ({SCREEN_JS})().some(line => line.includes(text))", arg=text)


def settled_screen(page: Any, text: str, steps: int = 2) -> list[str]:
    """The screen once it shows `text` and stays the same for `steps` quarters of a second: after
    the font changes, the terminal has its new size before the app has drawn for it, and a tap on
    the old picture misses."""
    wait_for_text(page, text)
    lines, same = screen(page), 0
    while True:
        page.wait_for_timeout(250)
        again = screen(page)
        same = same + 1 if again == lines and any(text in line for line in lines) else 0
        if same == steps:  # unchanged for a while: a loaded machine may take longer than one step
            return lines
        lines = again


def switch_larger_text(page: Any, on: bool) -> None:
    """Larger text tapped, then the screen settled at its new size: the font changes first, the
    terminal takes its new size, and the app draws for it after that, a second or more later on a
    loaded machine (two CI runs lost the next tap on the picture of the old size)."""
    cols = page.evaluate("() => window.kiosk.session.terminal.cols")
    tap_text(page, "Larger text")
    page.wait_for_function(f"() => document.body.dataset.largeText === '{'on' if on else 'off'}'")
    page.wait_for_function(f"() => window.kiosk.session.terminal.cols !== {cols}")
    settled_screen(page, "Larger text", steps=4)


def tap_text(page: Any, text: str) -> None:
    """A touch on the middle of the first cells that show `text`."""
    lines = settled_screen(page, text)
    row, col = next((y, line.index(text)) for y, line in enumerate(lines) if text in line)
    size = page.evaluate("() => [window.kiosk.session.terminal.cols, window.kiosk.session.terminal.rows]")
    assert size[1] == len(lines)
    box = page.locator("#terminal .xterm-screen").bounding_box()
    x = box["x"] + (col + len(text) / 2) * box["width"] / size[0]
    y = box["y"] + (row + 0.5) * box["height"] / size[1]
    page.touchscreen.tap(x, y)


def shows_big(lines: list[str], text: str) -> bool:
    """Whether `text` is on screen in the half-block letters of screens.common.blocks, at any of
    the heights a screen draws it."""
    for rows in range(3, 13):
        drawn = big_text(text, rows)
        for top in range(len(lines) - len(drawn) + 1):
            first = lines[top]
            start = first.find(drawn[0])
            while start >= 0:
                if all(lines[top + k][start : start + len(d)] == d for k, d in enumerate(drawn)):
                    return True
                start = first.find(drawn[0], start + 1)
    return False


def wait_until_big(page: Any, text: str) -> list[str]:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not shows_big(lines := screen(page), text):
        assert time.monotonic() < deadline, f"{text} never appeared in big letters:\n" + "\n".join(lines)
        page.wait_for_timeout(200)
    return lines


def font_size(page: Any) -> int:
    size: int = page.evaluate("() => Number(window.kiosk.session.terminal.options.fontSize)")
    return size


# The tests -------------------------------------------------------------------------------------


def test_a_visitor_taps_to_a_ticket_and_the_page_shows_its_number(
    centre: Centre, lobby: Served, page: Any
) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(lobby.url)
    tap_text(page, "English")
    tap_text(page, "Pension")
    tap_text(page, "Apply for a pension")
    wait_for_text(page, "Your number")

    (ticket,) = centre.service.day_view()
    assert ticket.service == "pension-new" and ticket.language == "en"
    lines = wait_until_big(page, ticket.code)
    assert not shows_big(lines, ticket.code.replace("1", "2")), "the big-letter check tells numbers apart"
    # and the QR code, read off the page's pixels as a phone would, is the ticket's, signed
    shot = centre.tmp / "ticket.png"
    page.screenshot(path=shot)
    (code,) = zxingcpp.read_barcodes(Image.open(shot).convert("L"))
    assert verify(read_secret(centre.settings.secret_path), code.text).ticket_id == ticket.id

    # Every request went to this server: the page, textual.js, the font, and the session's socket.
    hosts = {urlsplit(url).netloc for url in requests}
    assert hosts == {f"127.0.0.1:{lobby.port}"}, requests
    assert any(url.endswith(".woff2") for url in requests), requests
    assert any(url.startswith("ws://") for url in requests), requests


def test_the_page_draws_with_the_bundled_font_from_this_server(lobby: Served, page: Any) -> None:
    page.goto(lobby.url + "?fontsize=24")
    wait_for_text(page, "Tiếng Việt")
    assert page.evaluate("() => window.kiosk.session.terminal.options.fontFamily").startswith("'Kiosk Mono'")
    assert page.evaluate("() => document.fonts.check(\"700 24px 'Kiosk Mono'\", 'Tiếng Việt')")
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight)"
    )
    assert sorted(loaded) == ["Kiosk Mono 400", "Kiosk Mono 700"]
    assert font_size(page) == 24, "?fontsize wins over --font-size"
    # the page's own words are in the centre's main language (the default: Ukrainian), not English
    assert page.evaluate("document.documentElement.lang") == "uk"
    uk = translations("uk").gettext
    assert page.locator(".closed-dialog .message").text_content() == uk("Session ended.") != "Session ended."
    assert page.locator(".closed-dialog button").text_content() == uk("Start again")


def test_larger_text_grows_the_browser_font_and_the_next_visitor_gets_it_back(lobby: Served, tv: Any) -> None:
    # Full HD: at 1280x900 the grown font leaves 75x23 cells, where the bar shows only "Back"
    # (issue 12's small-screen fault), and Larger text could not be switched off by a tap.
    page = tv
    page.goto(lobby.url)
    tap_text(page, "English")
    wait_for_text(page, "Larger text")
    assert font_size(page) == FONT_SIZE
    columns = page.evaluate("() => window.kiosk.session.terminal.cols")

    switch_larger_text(page, on=True)
    assert font_size(page) > FONT_SIZE * 1.2
    assert page.evaluate("() => window.kiosk.session.terminal.cols") < columns  # fewer, bigger cells

    switch_larger_text(page, on=False)
    assert font_size(page) == FONT_SIZE
    assert page.evaluate("() => window.kiosk.session.terminal.cols") == columns  # back to small cells

    switch_larger_text(page, on=True)
    tap_text(page, "Back")  # to the first screen: the kiosk resets for the next visitor
    page.wait_for_function("() => document.body.dataset.largeText === 'off'")
    assert font_size(page) == FONT_SIZE
    wait_for_text(page, "English")


def test_larger_text_leaves_enough_cells_on_a_small_screen(centre: Centre, lobby: Served, page: Any) -> None:
    """At 1280x900 the full 1.3x would leave 71x22 cells: the font grows as far as 24 rows allow,
    and every need is still a tap away without scrolling (it was 3 of 10 needs): without their
    hints, or on pages turned by a big "more"."""
    page.goto(lobby.url)
    tap_text(page, "English")
    switch_larger_text(page, on=True)
    assert FONT_SIZE < font_size(page) < round(FONT_SIZE * 1.3)
    cells = page.evaluate("() => [window.kiosk.session.terminal.cols, window.kiosk.session.terminal.rows]")
    assert cells[0] >= 60 and cells[1] == 24, cells
    needs = [entry.name("en") for entry in centre.service.catalogue.menu]
    lines = settled_screen(page, "What do you need?")
    seen = " ".join(button_texts(lines))
    if any("More choices (1 of" in line for line in lines):  # a page of needs, then the rest
        tap_text(page, "More choices (1 of")
        seen += " " + " ".join(button_texts(settled_screen(page, "More choices (2 of")))
    assert all(name in seen for name in needs), (needs, seen)


@pytest.mark.parametrize(
    "centre", [None, "https://cnap.lutsk-rada.gov.ua/cherha"], ids=["token", "public_url"], indirect=True
)
def test_with_larger_text_the_ticket_number_is_whole_and_its_qr_reads(
    centre: Centre, lobby: Served, browser: Any
) -> None:
    """A portrait touchscreen with larger text: the number was cut to "P-00"; now it is whole, and
    the QR on screen reads back as the ticket's: its token, or with `public_url` the URL of its page,
    the larger QR (1080x1920 has the room for either)."""
    for page in touch_page(browser, 1080, 1920):
        page.goto(lobby.url)
        tap_text(page, "English")
        switch_larger_text(page, on=True)
        tap_text(page, "Pension")
        tap_text(page, "Apply for a pension")
        wait_for_text(page, "Your number")
        (ticket,) = centre.service.day_view()
        wait_until_big(page, ticket.code)
        shot = centre.tmp / "ticket-large.png"
        page.screenshot(path=shot)
        codes = zxingcpp.read_barcodes(Image.open(shot).convert("L"))
        assert len(codes) == 1, "no QR read off the screen:\n" + "\n".join(screen(page))
        public = centre.settings.public_url
        if public:
            assert codes[0].text.startswith(public.upper() + "/T/"), codes[0].text
        assert verify(read_secret(centre.settings.secret_path), codes[0].text).ticket_id == ticket.id


def swipe(page: Any, x: float, from_y: float, to_y: float) -> None:
    """A finger drawn up or down the touchscreen (Chromium's touch input, as a real panel sends it)."""
    cdp = page.context.new_cdp_session(page)
    point = {"x": x, "y": from_y}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    for step in range(1, 11):
        y = from_y + (to_y - from_y) * step / 10
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(20)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_swipe_scrolls_a_list_that_does_not_fit(centre: Centre, lobby: Served, browser: Any) -> None:
    """On a screen too small for every need the list scrolls: by a finger too, not only a wheel."""
    for page in touch_page(browser, 600, 900):
        page.goto(lobby.url)
        tap_text(page, "English")
        lines = settled_screen(page, "What do you need?")
        last = f"{len(centre.service.catalogue.menu)}. "
        assert not any(last in line for line in lines), "the screen is small enough to scroll"
        box = page.locator("#terminal .xterm-screen").bounding_box()
        x, row = box["x"] + box["width"] / 3, box["height"] / len(lines)
        swipe(page, x, box["y"] + 9.5 * row, box["y"] + 1.5 * row)  # the finger up: the list follows it
        wait_for_text(page, last)
        assert not any("1. " in line for line in screen(page))
        swipe(page, x, box["y"] + 1.5 * row, box["y"] + 9.5 * row)  # and down again
        wait_for_text(page, "1. ")


def test_a_call_appears_on_the_display_page(centre: Centre, display: Served, tv: Any) -> None:
    # Full HD, a hall's TV: at 1280x900 the display's left column cuts the number to "P-00".
    page = tv
    service = centre.service
    first, second = service.issue("pension-new").ticket, service.issue("pension-new").ticket
    page.goto(display.url)
    wait_for_text(page, "Now called")
    assert not shows_big(screen(page), first.code)

    service.call_next("6")
    wait_until_big(page, first.code)
    service.call_next("7")
    lines = wait_until_big(page, second.code)
    wait_for_text(page, first.code)  # the earlier call moves to the list of latest calls, as text
    assert any(re.search(rf"{first.code}\b.*\b6\b", line) for line in screen(page)), lines


BUTTON = re.compile(r"▊([^▊▎]*)▎")  # a button's row in the page: its left and right edges


def button_texts(lines: list[str]) -> list[str]:
    """The text of every button drawn whole on screen (its top and bottom edges included), its
    rows joined by spaces: a label wrapped at its spaces reads as it was written."""
    found: list[str] = []
    open_: dict[tuple[int, int], list[str]] = {}  # (start, end) of a button under its top edge
    for line in lines:
        for match in BUTTON.finditer(line):
            span, inner = match.span(), match.group(1)
            if inner and set(inner) == {"▔"}:
                open_[span] = []
            elif inner and set(inner) == {"▁"}:
                if span in open_:
                    found.append(" ".join(" ".join(open_.pop(span)).split()))
            elif span in open_:
                open_[span].append(inner)
    return found


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [(1280, 900, 22), (1280, 900, 28), (1080, 1920, 22), (1080, 1920, 28)],
    ids=lambda v: str(v),
)
def test_every_need_and_option_is_on_screen_and_the_ticket_number_uncovered(
    centre: Centre, lobby: Served, browser: Any, width: int, height: int, size: int
) -> None:
    """A lobby touchscreen, landscape and portrait, at the font sizes a centre sets: each need and
    each button of the bar is drawn whole (the last need once hid behind the bar at 1280x900), the
    last need takes a tap, and the ticket's number is drawn whole beside or above the QR code."""
    for page in touch_page(browser, width, height):
        page.goto(lobby.url + f"?fontsize={size}")
        tap_text(page, "English")
        lines = settled_screen(page, "What do you need?")
        assert font_size(page) == size
        shown = button_texts(lines)
        catalogue = centre.service.catalogue
        needs = [f"{n}. {entry.name('en')}" for n, entry in enumerate(catalogue.menu, 1)]
        bar = ["Back", "I have a priority right", "I need a sign-language interpreter", "Read aloud"]
        for label in [*needs, *bar, "Larger text"]:
            assert any(text.startswith(label) for text in shown), f"{label!r} not whole in {shown}"
        tap_text(page, " ".join(needs[-1].split()[:2]))  # its first words: a narrow screen wraps the rest
        wait_for_text(page, "Choose a service")
        wait_for_text(page, catalogue.service(catalogue.menu[-1].services[0])[0].name("en"))
        tap_text(page, "Back")
        tap_text(page, "2. Pension")
        tap_text(page, "Apply for a pension")
        wait_for_text(page, "Your number")
        (ticket,) = centre.service.day_view()
        wait_until_big(page, ticket.code)  # every cell of its big letters: nothing drawn over them


# The font file itself --------------------------------------------------------------------------


def visitor_texts() -> list[str]:
    """Every text a visitor can see: the languages' own names, every translation, the catalogue."""
    texts = list(NATIVE_NAMES.values())
    for po in (bundled_data() / "locale").glob("*/LC_MESSAGES/kiosk.po"):
        with po.open("rb") as f:
            texts += [str(m.string) for m in read_po(f) if m.string]

    def strings(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    texts += strings(tomllib.loads((bundled_data() / "catalogue.toml").read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_the_bundled_font_has_every_visitor_letter_and_the_terminal_blocks(weight: str) -> None:
    from fontTools.ttLib import TTFont  # reads WOFF2 with brotli (the test extra)

    path = WEB / "static" / "fonts" / f"NotoSansMono-{weight}.woff2"
    cmap = TTFont(path).getBestCmap()
    letters = {c for text in visitor_texts() for c in text if c.isprintable() and not c.isspace()}
    assert set("ếệșțğİıїєыёăâ") <= letters, "the texts of every language were read"
    assert sorted(c for c in letters if ord(c) not in cmap) == []
    # what Textual draws with: borders, half and eighth blocks, the QR and big letters
    assert all(ord(c) in cmap for c in "─│┌┐└┘╭╮╰╯━┃▀▄█▁▂▃▅▆▇▔▏▕▌▐→←↑↓●…")
    assert path.stat().st_size < 100_000
    assert (WEB / "static" / "fonts" / "LICENSE-NotoSansMono.txt").is_file()
