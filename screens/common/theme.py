"""The one theme of the four terminals: Textual's dark theme with the kiosk's colours named once, as
CSS variables (`$kiosk-gold`, ...) for every stylesheet and by name where Python draws (`colour`).
The contrast test reads the screens drawn with them."""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

COLOURS = {
    "kiosk-black": "#000000",  # the screens' ground
    "kiosk-white": "#ffffff",  # text
    "kiosk-gold": "#ffd700",  # titles, headings, what is chosen, the ticket number
    "kiosk-blue": "#0b3d91",  # title bars, buttons
    "kiosk-blue-lit": "#1452b8",  # a button under the pointer
    "kiosk-green": "#7cfc00",  # good news: printed, connected
    "kiosk-ok": "#176c2a",  # the keypad's OK
    "kiosk-ok-lit": "#1d8234",
    "kiosk-purple": "#4b2a7b",  # "I have an appointment": another kind of choice
    "kiosk-purple-lit": "#5b3790",
    "kiosk-red": "#b00020",  # a fault the desk must see
    "kiosk-closed": "#1a1a1a",  # a closed service or an action not open now: readable, set apart
    "kiosk-closed-text": "#e0e0e0",
    "kiosk-muted-text": "#c8c8c8",
    "kiosk-grey": "#8a8a8a",  # borders and quiet words
}

THEME: Theme = replace(BUILTIN_THEMES["textual-dark"], name="lobby-kiosk", variables=dict(COLOURS))


def colour(name: str) -> str:
    """A colour of the theme by its name without the prefix, for Rich styles drawn in Python."""
    return COLOURS[f"kiosk-{name}"]
