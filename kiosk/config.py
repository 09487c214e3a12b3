"""The centre's settings: one TOML file, validated with pydantic, overridden by the environment.

Precedence: command-line flags, then `KIOSK_*` environment variables, then the file, then defaults.
Relative paths in the file are taken from the file's own folder.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.domain.languages import LANGUAGES, Lang
from kiosk.paths import bundled_data, default_data_dir, expanded
from kiosk.printer_url import parse_printer_url
from kiosk.tomlfile import read_toml, validate

ENV_KEYS = {
    "KIOSK_DATABASE_URL": "database_url",
    "KIOSK_PRINTER": "printer_url",
    "KIOSK_DATA_DIR": "data_dir",
    "KIOSK_TERMINAL": "terminal_name",
}


class Settings(BaseModel):
    """Everything a terminal needs to know about its centre."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    centre_name: Annotated[str, Field(min_length=1, max_length=80)] = "One-stop social services centre"
    timezone: str = "Europe/Kyiv"
    main_language: Lang = "uk"
    languages: Annotated[list[Lang], Field(min_length=1)] = list(LANGUAGES)
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    catalogue: Path | None = None
    secret_file: Path | None = None
    pin_key_file: Path | None = None
    printer_url: str | None = None
    paper_width: Annotated[int, Field(ge=200, le=1000)] = 576
    sla_minutes: Annotated[int, Field(ge=1, le=600)] = 15
    # The front desk is warned of a visitor waiting this long, that many minutes before the target
    # (a department with a target of its own is warned as long before it); a booked visitor has a
    # target of their own, from check-in or the slot's start.
    sla_warning_minutes: Annotated[int, Field(ge=1, le=600)] = 10
    booked_sla_minutes: Annotated[int, Field(ge=1, le=600)] = 5
    open_around_the_clock: bool = False
    speech: bool = True
    announce_languages: Annotated[list[Lang], Field(min_length=1)] = ["uk", "en"]
    idle_seconds: Annotated[int, Field(ge=10, le=3600)] = 60
    idle_warning_seconds: Annotated[int, Field(ge=20, le=600)] = 30
    ticket_seconds: Annotated[int, Field(ge=5, le=600)] = 20
    ticket_failed_seconds: Annotated[int, Field(ge=10, le=1800)] = 90
    # Spoken guidance (screens/lobby/guide.py): while nobody touches the first screen, how to start
    # it is said in every language every this many seconds (0: never); a touch held this long starts it.
    guide_hint_seconds: Annotated[int, Field(ge=0, le=3600)] = 60
    guide_hold_seconds: Annotated[float, Field(ge=0.5, le=10)] = 2.0
    # Booked visits (kiosk.bookings.core): a booked visitor checks in from this many minutes before
    # the slot until this many minutes after its start; earlier is told when to come back, later is
    # offered a walk-in ticket. Bookings are taken up to `booking_days_ahead` days ahead.
    checkin_early_minutes: Annotated[int, Field(ge=0, le=240)] = 15
    checkin_grace_minutes: Annotated[int, Field(ge=0, le=240)] = 10
    booking_days_ahead: Annotated[int, Field(ge=0, le=366)] = 60
    stale_call_minutes: Annotated[int, Field(ge=1, le=240)] = 10
    note_days: Annotated[int, Field(ge=1, le=3650)] = 30
    # A kiosk terminal gives one priority ticket of a category per this many minutes; the next claim
    # goes to the front desk (0: no limit).
    priority_repeat_minutes: Annotated[int, Field(ge=0, le=240)] = 5
    # This terminal's name in audit events (wrong exit PINs, priority claims at the kiosk); default:
    # the machine's host name. Give each kiosk of a centre its own.
    # The address phones on the centre's Wi-Fi reach `kiosk web` at (http://10.0.0.5:8080). When set,
    # the ticket's QR is a URL under it holding the signed ticket token (`kiosk.security.signing.ticket_url`).
    public_url: str | None = None
    # `kiosk backup` writes to this folder (default: data_dir/backups) and keeps its newest
    # `backup_keep` backups there, deleting older ones.
    backup_dir: Path | None = None
    backup_keep: Annotated[int, Field(ge=1, le=1000)] = 14
    # A counter or front desk restarted within this many minutes (a crash, a power cut) takes up
    # the session it had: the member signed in and the desk's tab (0: always ask for the PIN).
    resume_minutes: Annotated[int, Field(ge=0, le=120)] = 10
    terminal_name: (
        Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")] | None
    ) = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" (a folder), a name too long
            raise ValueError("expected an IANA time zone such as 'Europe/Kyiv'") from None
        return value

    @field_validator("data_dir", "catalogue", "secret_file", "pin_key_file", "backup_dir", mode="before")
    @classmethod
    def _a_path(cls, value: object) -> object:
        if value == "":  # would be the current folder
            raise ValueError("expected a path, found an empty text")
        if "\x00" in str(value):  # TOML can write one ("\u0000"); no file name can hold it
            raise ValueError("a path cannot contain a NUL character")
        return value

    @field_validator("printer_url")
    @classmethod
    def _printer_url(cls, value: str | None) -> str | None:
        if value is not None:
            parse_printer_url(value)  # its ValueError names the part that is wrong
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_public_url(value)

    @model_validator(mode="after")
    def _warning_before_target(self) -> Settings:
        if self.sla_warning_minutes >= self.sla_minutes:
            raise ValueError("sla_warning_minutes must be less than sla_minutes (a warning comes before)")
        return self

    @field_validator("languages")
    @classmethod
    def _no_repeats(cls, value: list[Lang]) -> list[Lang]:
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kiosk.sqlite3'}"

    @property
    def catalogue_path(self) -> Path:
        return self.catalogue or bundled_data() / "catalogue.toml"

    @property
    def secret_path(self) -> Path:
        return self.secret_file or self.data_dir / "qr-secret"

    @property
    def pin_key_path(self) -> Path:
        return self.pin_key_file or self.data_dir / "pin-key"

    @property
    def backup_path(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"

    @property
    def terminal(self) -> str:
        return self.terminal_name or socket.gethostname()[:40] or "terminal"

    @property
    def printer(self) -> str:
        return self.printer_url or f"preview://{self.data_dir / 'tickets'}"


def check_public_url(value: str) -> str:
    """An http or https address with a host, no user, query or fragment; its trailing `/` dropped."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is no number or out of range
    except ValueError as exc:
        raise ValueError(f"expected an address like http://10.0.0.5:8080 ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("expected an http:// or https:// address with a host, like http://10.0.0.5:8080")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("the address may not hold a query (?...) or a fragment (#...)")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the address may not hold a user name or password")
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in text):
        raise ValueError("the address may hold no spaces, control or non-ASCII characters")
    return text.rstrip("/")


def load_settings(
    config: Path | str | None = None,
    database_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings from the file (`--config` or `KIOSK_CONFIG`), the environment and flags."""
    env = dict(os.environ) if environ is None else environ
    path = Path(config) if config else (Path(env["KIOSK_CONFIG"]) if env.get("KIOSK_CONFIG") else None)
    data: dict[str, object] = {}
    source: Path | str = "(defaults)"
    if path is not None:
        data = read_toml(path)
        source = path
        base = path.resolve().parent
        for key in ("data_dir", "catalogue", "secret_file", "pin_key_file", "backup_dir"):
            value = data.get(key)
            if isinstance(value, str) and value:
                data[key] = str(base / expanded(value))
    from_env = [env_key for env_key in ENV_KEYS if env.get(env_key)]
    for env_key in from_env:
        data[ENV_KEYS[env_key]] = env[env_key]
    if from_env:
        source = f"{source} (with ${', $'.join(from_env)})"
    if database_url:
        data["database_url"] = database_url
    return validate(Settings, data, source)
