"""The QR payload: signed, compact, refused when forged, stale or unknown."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import ScanRefused
from kiosk.security import signing
from kiosk.service import QueueService

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_payload_round_trip_and_alphabet(service: QueueService) -> None:
    issued = service.issue("pension-new")
    assert set(issued.qr) <= QR_ALPHANUMERIC
    assert len(issued.qr) < 64
    payload = signing.verify(service.secret, issued.qr)
    assert (payload.ticket_id, payload.code, payload.department, payload.windows) == (
        issued.ticket.id,
        "P-001",
        "pensions",
        ("6", "7", "8"),
    )
    assert service.open_scanned(issued.qr).id == issued.ticket.id
    assert service.open_scanned(issued.qr.lower() + "\n").id == issued.ticket.id  # scanner quirks


def test_tampered_payloads_are_refused(service: QueueService) -> None:
    qr = service.issue("pension-new").qr
    body, _, sig = qr.rpartition(":")
    forged_sig = body + ":" + ("A" if sig[0] != "A" else "B") + sig[1:]
    forged_body = qr.replace(":P-001:", ":P-002:")
    for text, reason in (
        (forged_sig, "forged"),
        (forged_body, "forged"),
        ("hello", "malformed"),
        ("", "malformed"),
    ):
        with pytest.raises(ScanRefused) as caught:
            service.open_scanned(text)
        assert caught.value.reason == reason


def test_other_secret_is_forged(service: QueueService) -> None:
    qr = service.issue("pension-new").qr
    with pytest.raises(ScanRefused, match="forged"):
        signing.verify(b"another-centre-secret-0123456789abcdef", qr)


def test_other_day_and_unknown_ticket(service: QueueService, clock: FixedClock) -> None:
    ticket = service.issue("pension-new").ticket
    clock.advance(days=1)
    with pytest.raises(ScanRefused) as caught:
        service.open_scanned(service.qr_payload(ticket))
    assert caught.value.reason == "other_day"
    clock.advance(days=-1)
    ghost = signing.Payload(
        ticket_id=999, day=ticket.day, code="P-009", department="pensions", windows=("6",)
    )
    with pytest.raises(ScanRefused) as caught:
        service.open_scanned(signing.sign(service.secret, ghost))
    assert caught.value.reason == "unknown"


def test_secret_file_is_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "d" / "qr-secret"
    assert signing.create_secret(path)
    first = signing.read_secret(path)
    assert not signing.create_secret(path)
    assert signing.read_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_holder_hash_normalises_and_hides_the_document() -> None:
    secret = b"s" * 32
    assert signing.holder_hash(secret, "ab 123") == signing.holder_hash(secret, "AB123")
    assert "AB123" not in signing.holder_hash(secret, "AB123")
