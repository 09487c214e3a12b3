"""Small widgets the terminals share: very large text, the QR code, and a big touch button."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Button, Static

# Big letters are kept for the ticket number (digits, a department's Latin capital, a hyphen), never
# for words: at the rows a terminal can give a word, letters lose the strokes that tell them apart
# ("Робота" read as "гобота"). The number is drawn at least this many rows tall.
LEGIBLE_ROWS = 4


def big_text(text: str, rows: int) -> tuple[str, ...]:
    from screens.common import blocks  # drawing needs Pillow and the fonts: not for the first frame

    return blocks.big_text(text, rows)


def number_width(text: str, rows: int) -> int:
    """Cells `text` takes across, drawn `rows` tall."""
    return max(len(line) for line in big_text(text, rows))


class BigText(Static):
    """Text drawn `rows` lines tall with half blocks (readable across a hall)."""

    DEFAULT_CSS = "BigText { width: auto; height: auto; }"

    def __init__(self, text: str = "", rows: int = 5, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows = rows
        self.text = ""
        self.show(text)

    def show(self, text: str, rows: int | None = None) -> None:
        self.rows = rows or self.rows
        self.text = text
        self.update("\n".join(big_text(text, self.rows)) if text else "")


class QrCode(Static):
    """A QR code a phone can read off the screen (dark modules on a light ground)."""

    DEFAULT_CSS = "QrCode { width: auto; height: auto; color: $kiosk-white; background: $kiosk-black; }"

    def __init__(self, payload: str, **kwargs: object) -> None:
        from screens.common.blocks import qr_text

        super().__init__("\n".join(qr_text(payload)), **kwargs)  # type: ignore[arg-type]
        self.payload = payload


class Choice(Button):
    """A big button: a bold name, a plain hint below (left out where the screen has no room for
    it), and an optional state line. Large text gives the name a line of space of its own; big
    letters are kept for the ticket number (see `LEGIBLE_ROWS`). `plain` is what a voice reads: the
    hint too where the screen has no room to show it (`shown_hint` False)."""

    def __init__(
        self,
        name: str,
        hint: str = "",
        note: str = "",
        large: bool = False,
        shown_hint: bool = True,
        **kwargs: object,
    ) -> None:
        label = self.label_for(name, hint if shown_hint else "", note, large)
        super().__init__(label, **kwargs)  # type: ignore[arg-type]
        self.plain = "\n".join(p for p in (name, hint, note) if p)

    @staticmethod
    def label_for(name: str, hint: str = "", note: str = "", large: bool = False) -> Text:
        label = Text(justify="center")
        label.append(name, style="bold underline" if large else "bold")
        if hint:
            label.append(("\n\n" if large else "\n") + hint)
        if note:
            label.append("\n" + note, style="italic")
        return label
