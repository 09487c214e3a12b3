"""The printers the README lists beside TCP, each with real bytes decoded back into the ticket:
`kiosk print-test` (a sample in every language), a `file://` device and a serial printer on a
pseudo-terminal pair that answers the DLE EOT status queries like an Epson printer."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.decode import decode_job, image_of, parse
from harness.loopback import STATUS
from kiosk.config import Settings
from kiosk.security import signing
from kiosk.service import QueueService
from printer.printing import TicketPrinter
from tests import test_printer
from tests.conftest import MONDAY_10
from tests.test_printer import read_qr

service = test_printer.service  # on a SQLite file, as the other printer tests


class SerialPrinter:
    """The printer's end of a pseudo-terminal: keeps what arrives and answers each status query
    with the byte of its `mode` (harness.loopback.STATUS)."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other end closed and no one holds it open
                continue
            self.received += chunk
            commands, used = parse(pending + chunk)
            pending = (pending + chunk)[used:]
            for command in commands:
                if command.name == "status":
                    os.write(self.master, bytes([STATUS[self.mode][command.arg]]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def serial_printer() -> Iterator[SerialPrinter]:
    printer = SerialPrinter()
    yield printer
    printer.close()


def _print(service: QueueService, url: str) -> tuple[str, object]:
    issued = service.issue("pension-new", language="vi")
    printer = TicketPrinter(service, url, timeout=1.0)
    try:
        result = printer.submit(issued).result(timeout=60)
    finally:
        printer.close()
    return issued.qr, result


def test_serial_printer_through_a_pseudo_terminal(
    service: QueueService, serial_printer: SerialPrinter
) -> None:
    qr, result = _print(service, f"serial://{serial_printer.path}?baudrate=19200")
    assert result.ok, result  # type: ignore[attr-defined]
    commands, used = parse(serial_printer.received)
    assert used == len(serial_printer.received)
    names = [c.name for c in commands]
    assert names[:3] == ["status", "status", "init"] and names[-2:] == ["cut", "status"]
    assert read_qr(image_of(commands)) == qr


def test_serial_printer_out_of_paper_gets_no_job(
    service: QueueService, serial_printer: SerialPrinter
) -> None:
    serial_printer.mode = "paper_out"
    _, result = _print(service, f"serial://{serial_printer.path}?baudrate=19200")
    assert (result.status, result.reason) == ("failed", "paper_out")  # type: ignore[attr-defined]
    assert [c.name for c in parse(serial_printer.received)[0]] == ["status", "status"]


def test_file_printer_writes_the_job(service: QueueService, tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    qr, result = _print(service, f"file://{device}")
    assert result.ok, result  # type: ignore[attr-defined]
    image, names = decode_job(device.read_bytes())
    assert names[0] == "init" and names[-2:] == ["feed", "cut"], "a device file gets no status queries"
    assert read_qr(image) == qr


def test_print_test_prints_a_sample_in_every_language(tmp_path: Path) -> None:
    """`kiosk print-test` in its own process on the preview printer: one job per language, each a
    whole ticket whose QR is signed with the centre's secret, no two alike, and no ticket saved."""
    data, out = tmp_path / "data", tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_DATA_DIR=str(data), KIOSK_PRINTER=f"preview://{out}", KIOSK_NOW=MONDAY_10.isoformat())

    def kiosk(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    kiosk("init")
    samples = json.loads(kiosk("print-test", "--json"))
    languages = Settings(data_dir=data).languages
    assert [s["language"] for s in samples] == languages and len(languages) == 7
    secret = (data / "qr-secret").read_text().strip().encode()
    pictures = set()
    for index, sample in enumerate(samples, start=1):
        assert sample["status"] == "printed", sample
        image, names = decode_job(Path(sample["job"]).read_bytes())
        assert names[0] == "init" and names[-1] == "cut"
        payload = signing.verify(secret, read_qr(image))
        assert payload.code.endswith(f"-{index:03d}"), payload
        pictures.add(image.tobytes())
    assert len(pictures) == len(languages), "each language's ticket is its own"
    assert json.loads(kiosk("queue", "--json")) == []
