"""Contrast as the visitor sees it: every character cell a running app draws (the compositor's own
output, so the stylesheets, the theme, inline styles, opacity and the screens below a dialog all
count), with its text and background colour, scored by the WCAG 2 contrast ratio.

Only text counts: a visible character inside a widget's content region (a border, padding or
scrollbar is not text). Button states are drawn for real (hover, focus, pressed, disabled) by `states`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from textual.app import App
from textual.errors import NoWidget
from textual.geometry import Offset, Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.widget import Widget
from textual.widgets import Button

Rgb = tuple[int, int, int]


def luminance(rgb: Rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first: Rgb, second: Rgb) -> float:
    """WCAG 2 contrast ratio, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Pair:
    """A text colour on a background, where it was seen and how well it reads."""

    where: str
    text: str
    fg: Rgb
    bg: Rgb

    @property
    def ratio(self) -> float:
        return ratio(self.fg, self.bg)

    def __str__(self) -> str:
        fg, bg = ("#{:02x}{:02x}{:02x}".format(*c) for c in (self.fg, self.bg))
        return f"{self.ratio:5.2f}:1  {fg} on {bg}  {self.where}: {self.text!r}"


def _rgb(color: RichColor | None, default: Rgb) -> Rgb:
    if color is None or color.is_default:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _path(widget: Widget) -> str:
    """A short name for a widget: its type and id or classes, with its screen's type."""
    name = type(widget).__name__
    if widget.id:
        name += f"#{widget.id}"
    elif widget.classes:
        name += "." + ".".join(sorted(widget.classes))
    return f"{type(widget.screen).__name__} {name}"


def text_pairs(app: App[Any], within: Widget | None = None, state: str = "") -> list[Pair]:
    """Every (text colour, background) pair drawn on the screen now, one per widget and pair, with
    the text seen in it; only cells inside `within` when given."""
    screen = app.screen
    compositor = screen._compositor
    update = compositor.render_update(full=True, screen_stack=app._background_screens)
    strips = update.strips  # type: ignore[union-attr]
    found: dict[tuple[str, Rgb, Rgb], list[str]] = {}
    region = within.region if within is not None else None
    for y, chops in enumerate(strips):
        x = 0
        segments: Iterable[Segment] = (segment for strip in chops for segment in strip)
        for segment in segments:
            text, style = segment.text, segment.style
            for char in text:
                cell_x, x = x, x + 1
                if not char.strip() or style is None or (region and not region.contains(cell_x, y)):
                    continue
                try:
                    widget, _ = compositor.get_widget_at(cell_x, y)
                except NoWidget:  # a cell no widget of the top screen covers
                    continue
                chrome = isinstance(widget, Screen | ScrollBar | ScrollBarCorner)
                if chrome or not widget.content_region.contains(cell_x, y):
                    continue
                fg = _rgb(style.color, (255, 255, 255))
                bg = _rgb(style.bgcolor, (0, 0, 0))
                if style.reverse:
                    fg, bg = bg, fg
                where = _path(widget) + (f" [{state}]" if state else "")
                found.setdefault((where, fg, bg), []).append(char)
    return [Pair(where, "".join(chars)[:40], fg, bg) for (where, fg, bg), chars in found.items()]


@asynccontextmanager
async def _states(pilot: Pilot[Any], buttons: list[Button], state: str) -> AsyncIterator[None]:
    """`buttons` drawn in `state`, as a visitor's tap or a keyboard leaves them (the hover and the
    focus only for one button)."""
    was_disabled = [button.disabled for button in buttons]
    if state in ("hover", "focus+hover", "tapped"):
        await pilot.hover(buttons[0], offset=_seen(buttons[0]).offset - buttons[0].region.offset)
    if state in ("focus", "focus+hover", "tapped"):
        buttons[0].focus()
    for button in buttons:
        if state in ("pressed", "tapped"):
            button.add_class("-active")
        if state == "disabled":
            button.disabled = True
    await pilot.pause()
    await pilot.pause()
    try:
        yield
    finally:
        for button, disabled in zip(buttons, was_disabled, strict=True):
            button.remove_class("-active")
            button.disabled = disabled
        pilot.app.screen.set_focus(None)
        await pilot.hover(pilot.app.screen, offset=Offset(0, 0))
        await pilot.pause()


def _seen(widget: Widget) -> Region:
    """The part of `widget` on screen (a scrolled container clips its children)."""
    shown = widget.screen._compositor.visible_widgets.get(widget)
    return shown[0].intersection(shown[1]) if shown else Region()


ONE_AT_A_TIME = ("hover", "focus", "focus+hover", "tapped")  # one button is hovered or focused
ALL_AT_ONCE = ("pressed", "disabled")


def _look(button: Button, named: str) -> tuple[object, ...]:
    """What decides how a button is drawn: its type, classes, variant and parent (so its ancestors),
    and its id where a stylesheet names it. Buttons that share these look alike in every state."""
    own_id = button.id if button.id and f"#{button.id}" in named else None
    return (type(button), frozenset(button.classes), button.variant, id(button.parent), own_id)


def _css_source(app: App[Any]) -> str:
    sources = [text for text, *_ in app.stylesheet.source.values()]
    return "\n".join(sources)


async def screen_pairs(pilot: Pilot[Any]) -> list[Pair]:
    """The pairs of the screen as it stands; of every button pressed and disabled; and of one button
    of each look hovered, focused, both, and all three (as a tap draws it)."""
    app = pilot.app
    app.screen.set_focus(None)
    await pilot.hover(app.screen, offset=Offset(0, 0))
    await pilot.pause()
    pairs = text_pairs(app)
    buttons = [b for b in app.screen.query(Button) if _seen(b).area]
    named = _css_source(app)
    for state in ALL_AT_ONCE:
        async with _states(pilot, buttons, state):
            for button in buttons:
                pairs += text_pairs(app, within=button, state=state)
    looks = {_look(b, named): b for b in reversed(buttons)}
    for button in looks.values():
        for state in ONE_AT_A_TIME:
            async with _states(pilot, [button], state):
                pairs += text_pairs(app, within=button, state=state)
    return pairs
