"""Staff PIN hashes: scrypt with a salt per member, then keyed (HMAC) with the PIN key, a secret kept
in its own 0600 file outside the database, so a copied database alone cannot be cracked offline.

Stored forms:
- `scrypt-k1$<key id>$<n>$<r>$<p>$<salt>$<digest>`: digest = HMAC-SHA256(key, scrypt(pin, salt));
- `scrypt$<n>$<r>$<p>$<salt>$<digest>`: the older unkeyed form, still accepted and replaced by the
  keyed form at the member's next successful sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.security.signing import create_secret

# The cost of a new hash and of a wasted check; a stored hash keeps the cost it was made with.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PIN = re.compile(r"^[0-9]{4,12}$")
KEYED = "scrypt-k1"


class PinKeyMismatch(KioskError):
    """The PIN was set on a machine whose PIN key differs from this machine's."""


@dataclass(frozen=True)
class PinKey:
    """The PIN key and its short public id (stored beside each hash, to tell a wrong key file).
    `previous` is the key it replaced (`pin-key.previous`), still accepted for checking while
    members sign in and their hashes move to the new key."""

    secret: bytes
    path: Path
    previous: PinKey | None = None

    @property
    def id(self) -> str:
        return hmac.new(self.secret, b"pin-key-id", hashlib.sha256).hexdigest()[:8]


def load_pin_key(path: Path) -> PinKey:
    """The PIN key from `path`, made (0600) when the file does not exist yet, with the key it
    replaced when `<path>.previous` exists."""
    create_secret(path)
    previous = path.with_name(path.name + ".previous")
    return PinKey(_read_key(path), path, PinKey(_read_key(previous), previous) if previous.exists() else None)


def _read_key(path: Path) -> bytes:
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise KioskError(f"the PIN key {path} cannot be read: {exc.strerror or exc}") from None
    if len(text) < 32:
        raise KioskError(f"the PIN key {path} is too short: restore it from a backup")
    return text.encode()


def valid_pin(pin: str) -> str:
    if not _PIN.match(pin):
        raise KioskError("a PIN is 4 to 12 digits")
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int = 32) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=2**26)


def hash_pin(pin: str, key: PinKey) -> str:
    salt = secrets.token_bytes(16)
    n, r, p = SCRYPT["n"], SCRYPT["r"], SCRYPT["p"]
    digest = hmac.new(key.secret, _scrypt(pin, salt, n, r, p), hashlib.sha256).digest()
    return f"{KEYED}${key.id}${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_pin(pin: str, stored: str, key: PinKey) -> bool:
    """True when `pin` matches `stored` (either form). A keyed hash made with another PIN key raises
    PinKeyMismatch: every PIN would look wrong, and the installer must copy the right key file."""
    parts = stored.split("$")
    try:
        if parts[0] == KEYED and len(parts) == 7:
            _, key_id, n, r, p, salt, digest = parts
            if key.previous is not None and key_id == key.previous.id:
                key = key.previous
            elif key_id != key.id:
                raise PinKeyMismatch(
                    f"this PIN was set on a machine with another PIN key: copy the `pin-key` file of the "
                    f"first terminal to {key.path} (as with `qr-secret`)"
                )
            inner = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
            actual = hmac.new(key.secret, inner, hashlib.sha256).digest()
        elif parts[0] == "scrypt" and len(parts) == 6:
            _, n, r, p, salt, digest = parts
            expected = base64.b64decode(digest)
            actual = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p), dklen=len(expected))
        else:
            return False
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def is_keyed(stored: str, key: PinKey) -> bool:
    return stored.startswith(f"{KEYED}${key.id}$")


# A hash of a PIN nobody knows, checked for unknown names so that they take as long as a wrong PIN.
_DUMMY_SALT = b"\0" * 16


def waste_a_check(pin: str) -> None:
    _scrypt(pin, _DUMMY_SALT, SCRYPT["n"], SCRYPT["r"], SCRYPT["p"])
