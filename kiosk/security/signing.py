"""The ticket's QR payload: compact, versioned, HMAC-signed with the centre's secret.

Form: `K1:<id>:<yyyymmdd>:<number>:<DEPARTMENT>:<window+window>:<signature>`, all in the QR
alphanumeric alphabet (upper case, digits, `:` `-` `+`) so the code stays small and a handheld scanner
types it back exactly. The signature is the first 80 bits of HMAC-SHA256 over the rest, in base32.

The same text is the ticket's token on the visitor's phone: with `public_url` set the QR holds
`<PUBLIC_URL>/T/<payload>` in upper case (`ticket_url`), still in the alphanumeric alphabet, and
`verify` takes either form, so counters scan both and the tickets printed before keep scanning.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import sha256
from pathlib import Path

from kiosk.errors import KioskError, ScanRefused
from kiosk.private import open_private, private_folder

VERSION = "K1"
_PAYLOAD = re.compile(
    r"^K1:(?P<id>\d{1,12}):(?P<day>\d{8}):(?P<code>[A-Z]{1,2}-\d{3,5}):(?P<dept>[A-Z][A-Z0-9-]{0,31}):"
    r"(?P<windows>[A-Z0-9]{1,8}(?:\+[A-Z0-9]{1,8})*):(?P<sig>[A-Z2-7]{16})$",
    re.ASCII,  # \d is 0-9 only: '١' (Arabic-Indic one) is no digit of a ticket code
)


@dataclass(frozen=True)
class Payload:
    ticket_id: int
    day: date
    code: str
    department: str
    windows: tuple[str, ...]


def _signature(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode("ascii"), sha256).digest()[:10]
    return base64.b32encode(digest).decode("ascii")


def sign(secret: bytes, payload: Payload) -> str:
    body = ":".join(
        (
            VERSION,
            str(payload.ticket_id),
            payload.day.strftime("%Y%m%d"),
            payload.code,
            payload.department.upper(),
            "+".join(w.upper() for w in payload.windows),
        )
    )
    return f"{body}:{_signature(secret, body)}"


# The page's path in a ticket URL: `/T/` followed by the payload, at the end of the URL.
_URL = re.compile(r"^HTTPS?://[^/?#]+(?:/[^?#]*)?/T/(?P<token>[^/?#]+)/?$", re.ASCII)


def ticket_url(public_url: str, payload: str) -> str:
    """The QR text of a ticket when phones follow it: the page's URL in upper case, so the QR's
    alphanumeric mode still holds it (`HTTP://10.0.0.5:8080/T/K1:...`); the server's path is taken
    in either case."""
    return f"{public_url.rstrip('/')}/T/{payload}".upper()


def token_of(text: str) -> str:
    """The signed payload in a scanned text: the text itself, or the last part of a ticket URL."""
    cleaned = text.strip().upper()
    match = _URL.match(cleaned)
    return match["token"] if match else cleaned


def verify(secret: bytes, text: str) -> Payload:
    """Check the form and the signature of a payload or ticket URL; raise ScanRefused with a reason a
    person understands."""
    cleaned = token_of(text)
    match = _PAYLOAD.match(cleaned)
    if not match:
        if cleaned.startswith("K") and ":" in cleaned and not cleaned.startswith(VERSION + ":"):
            raise ScanRefused("this ticket code is from another version of the system", "version")
        raise ScanRefused("this is not a ticket code of this centre", "malformed")
    body, _, signature = cleaned.rpartition(":")
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise ScanRefused("this ticket code is forged or damaged (its signature does not match)", "forged")
    try:
        day = datetime.strptime(match["day"], "%Y%m%d").date()
    except ValueError:
        raise ScanRefused("this ticket code has an impossible date", "malformed") from None
    return Payload(
        ticket_id=int(match["id"]),
        day=day,
        code=match["code"],
        department=match["dept"].lower(),
        windows=tuple(match["windows"].split("+")),
    )


# Cyrillic and Greek capitals (and the Turkish dotted İ) that look like Latin ones: a document number
# typed on a Ukrainian or Greek keyboard (`АВ123456`) is the same document as with Latin letters.
LOOKALIKES = str.maketrans("АВЕЅІЈКМНОРСТУХҮԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧİ", "ABESIJKMHOPCTYXYQWABEZHIKMNOPTYXI")


def document_key(document: str) -> str:
    """One spelling of a document reference: compatibility forms folded (NFKC: full-width letters and
    digits), upper case, look-alike letters made Latin, digits of any script made ASCII, and spaces,
    dashes and every other separator dropped."""
    folded = unicodedata.normalize("NFKC", document).upper().translate(LOOKALIKES)
    return "".join(str(unicodedata.decimal(c, c)) for c in folded if c.isalnum())


def holder_hash(secret: bytes, document: str) -> str:
    """A keyed hash of a priority document's reference: the once-per-day rule without storing it."""
    return hmac.new(secret, b"holder:" + document_key(document).encode(), sha256).hexdigest()[:32]


def create_secret(path: Path) -> bool:
    """Write a new random secret readable by the owner only; False when one exists already."""
    private_folder(path.parent)
    try:
        handle = open_private(path, "x")
    except FileExistsError:
        return False
    with handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def read_secret(path: Path) -> bytes:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise KioskError(f"the QR secret {path} is missing: run `kiosk init` on this machine") from None
    if len(text) < 32:
        raise KioskError(f"the QR secret {path} is too short: delete it and run `kiosk init`")
    return text.encode()
