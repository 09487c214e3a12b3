"""The HTTP API's bearer tokens: made by `kiosk token add NAME --scope read|issue`, shown once, kept
only as a SHA-256 hash, listed and revoked by name. Each change is an event naming the administrator.

A token is `kt_` and 43 characters of `secrets.token_urlsafe(32)`: 256 random bits, so a plain SHA-256
is enough (unlike a PIN, nothing about it can be guessed and tested against a stolen hash) and a
request's token is found by its hash through a unique index in one lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import select

from kiosk.clock import Clock
from kiosk.domain.events import Kind, TokenNamed
from kiosk.errors import KioskError, NotFound, quoted
from kiosk.security.members import valid_name
from kiosk.storage.db import Database
from kiosk.storage.journal import record
from kiosk.storage.models import ApiToken

SCOPES = ("read", "issue")  # "issue" may read too
PREFIX = "kt_"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    scope: str
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        """Whether this token may do what `scope` needs ("issue" covers "read")."""
        return self.active and (self.scope == scope or self.scope == "issue")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenDirectory:
    def __init__(self, db: Database, clock: Clock, zone: tzinfo = UTC) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone

    def add(self, name: str, scope: str, by: str | None = None) -> tuple[TokenInfo, str]:
        """A new token; the token itself is returned here once and never stored."""
        name = valid_name(name)
        if scope not in SCOPES:
            raise KioskError(f"scope must be one of {', '.join(SCOPES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.db.write() as s:
            if s.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
                raise KioskError(
                    f"an API token called {quoted(name)} exists already (names stay after revoking)"
                )
            row = ApiToken(
                name=name, scope=scope, token_hash=token_hash(token), created_at=now, created_by=by
            )
            s.add(row)
            s.flush()
            record(s, Kind.TOKEN_ADDED, TokenNamed(name, scope), now, self._day(now), staff=by)
            return _info(row), token

    def revoke(self, name: str, by: str | None = None) -> TokenInfo:
        now = self.clock.now()
        with self.db.write() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.name == name))
            if row is None:
                raise NotFound(f"no API token called {quoted(name)}")
            if row.revoked_at is not None:
                raise KioskError(f"the API token {quoted(name)} is revoked already")
            row.revoked_at = now
            record(s, Kind.TOKEN_REVOKED, TokenNamed(row.name, row.scope), now, self._day(now), staff=by)
            return _info(row)

    def tokens(self) -> list[TokenInfo]:
        with self.db.read() as s:
            return [_info(t) for t in s.scalars(select(ApiToken).order_by(ApiToken.name))]

    def check(self, token: str) -> TokenInfo | None:
        """The active token this is, or None (unknown, malformed or revoked)."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        with self.db.read() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
            if row is None or row.revoked_at is not None:
                return None
            return _info(row)

    def _day(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.name, row.scope, row.created_at, row.created_by, row.revoked_at)
