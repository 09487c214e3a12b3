"""The catalogue's field types, checked as it loads: codes, days, texts in all seven languages, the
way a prefix is said, opening periods. Whatever a centre writes here is shown, printed and spoken."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kiosk.clock import TimeOfDay, time_of_day

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def clean_text(value: str) -> str:
    """Shown on screens, printed and spoken: no control or format characters (an escape sequence, a
    right-to-left override), nothing blank, no spaces around it."""
    # isprintable() is false for any control or format character (and a few allowed ones, such as a
    # no-break space): the loop checks only such a text
    if not value.isprintable() and any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ValueError("control or format characters are not allowed")
    if not value.strip():
        raise ValueError("must not be blank")
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return value


Hint = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(clean_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in each of the seven languages; none may be missing."""

    en: Hint
    uk: Hint
    ru: Hint
    tr: Hint
    ro: Hint
    ms: Hint
    vi: Hint

    def __call__(self, lang: str) -> str:
        return str(getattr(self, lang, self.en))


class Period(_Strict):
    """One opening period of a day, e.g. 08:00-14:00 (end not included)."""

    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        return _period(value)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _period(value: object) -> object:
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) != 2:
            raise ValueError("expected 'HH:MM-HH:MM', e.g. '08:00-14:00'")
        try:
            start, end = (time_of_day(p) for p in parts)
        except ValueError:
            raise ValueError("expected 'HH:MM-HH:MM', e.g. '08:00-14:00'") from None
        if end <= start:
            raise ValueError("the period must end after it starts")
        return {"start": start, "end": end}
    return value


def _no_digits(value: str) -> str:
    if any(c.isdigit() for c in value):
        raise ValueError("no digits: the ticket's number is said right after it")
    return value


Said = Annotated[
    str,
    Field(min_length=1, max_length=40),
    AfterValidator(clean_text),
    AfterValidator(_no_digits),
]


class Spoken(_Strict):
    """How a department's prefix is said in some of the languages (the others: `spoken_prefix`),
    written as that language's voice should read it, e.g. `{ vi = "i dài" }` for Y."""

    en: Said | None = None
    uk: Said | None = None
    ru: Said | None = None
    tr: Said | None = None
    ro: Said | None = None
    ms: Said | None = None
    vi: Said | None = None

    def __call__(self, lang: str) -> str | None:
        value = getattr(self, lang, None)
        return value if isinstance(value, str) else None
