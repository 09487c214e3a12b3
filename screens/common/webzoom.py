"""Larger text in a browser: the kiosk's page (data/web/static/kiosk.js) grows its font when the
visitor switches larger text on, and brings it back when it is switched off or the kiosk resets.

The app asks through Textual's open_url, which textual-serve hands to the page as a message; the page
takes `kiosk:` addresses as its own and opens nothing. In a terminal the call does nothing."""

from __future__ import annotations

from typing import Any

from textual.app import App

LARGE_TEXT_URL = "kiosk:large-text/{}"


def show_large_text(app: App[Any], large: bool) -> None:
    """Tell the browser page, if there is one, whether the visitor wants larger text."""
    if app.is_web:
        app.open_url(LARGE_TEXT_URL.format("on" if large else "off"), new_tab=False)
