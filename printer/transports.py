"""Where a job goes, by URL: `tcp://host:9100`, `usb://VID:PID`, `serial:///dev/ttyUSB0?baudrate=115200`,
`file:///dev/usb/lp0` (python-escpos printer classes) or `preview://DIR` (the job bytes and a PNG).

Devices that can answer are asked for their status (DLE EOT) before the job, with short timeouts, and
again after it, which also tells a connection dropped mid-job from a finished one. Every failure is
a `PrintFault` with a reason code the kiosk and the front desk can show.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from kiosk.errors import quoted
from kiosk.paths import expanded
from kiosk.printer_url import PrinterUrl, parse_printer_url
from kiosk.private import open_private, private_folder

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
REASONS = {
    "offline": "the printer is offline",
    "paper_out": "the printer is out of paper",
    "cover_open": "the printer cover is open",
    "refused": "the printer refused the connection",
    "not_found": "the printer was not found",
    "timeout": "the printer does not answer",
    "disconnected": "the connection to the printer was lost during the job",
    "error": "the printer reported an error",
    "bad_url": "the printer address is not valid",
}


class PrintFault(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(REASONS.get(reason, reason) + (f" ({detail})" if detail else ""))


class Transport(Protocol):
    name: str

    def send(self, job: bytes, image: Image.Image, stem: str) -> str | None:
        """Deliver `job`; return a file path when the transport keeps one. Raises PrintFault."""
        ...


def _escpos_printer_module() -> Any:
    """python-escpos, imported without the stderr log handler its import adds to the root logger
    (it would scribble over a Textual screen)."""
    root = logging.getLogger()
    before = list(root.handlers)
    import escpos.printer

    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
    return escpos.printer


class Preview:
    """Writes `<dir>/<day>/<stem>.bin` (the exact job) and `<stem>.png`, readable by their owner only;
    a second print of the same ticket gets `-2`, `-3`, ... so nothing is overwritten."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = f"preview://{directory}"

    def send(self, job: bytes, image: Image.Image, stem: str) -> str:
        day = stem.split("_", 1)[0]
        folder = self.directory / day
        try:
            private_folder(folder)
            path = folder / f"{stem}.bin"
            copy = 2
            while path.exists():
                path = folder / f"{stem}-{copy}.bin"
                copy += 1
            with open_private(path, "wb") as out:
                out.write(job)
            with open_private(path.with_suffix(".png"), "wb") as out:
                image.save(out, format="PNG", compress_level=1)
        except OSError as exc:
            raise PrintFault("error", f"cannot write {folder}: {exc.strerror}") from exc
        return str(path)


class EscposDevice:
    """A python-escpos printer; `check_status` is off for devices that cannot answer (file://)."""

    def __init__(self, name: str, factory: Any, check_status: bool, timeout: float) -> None:
        self.name = name
        self.factory = factory
        self.check_status = check_status
        self.timeout = timeout

    def send(self, job: bytes, image: Image.Image, stem: str) -> None:
        from escpos.exceptions import DeviceNotFoundError

        try:
            device = self.factory()
            device.open()
        except DeviceNotFoundError as exc:
            raise _classify_open(exc) from exc
        except (OSError, ValueError) as exc:
            raise _classify(exc) from exc
        try:
            if self.check_status:
                self._status(device)
            device._raw(job)
            if self.check_status:
                self._status(device, after_job=True)
        except PrintFault:
            raise
        except Exception as exc:  # the driver's own errors (usb.core, serial) share no base class
            raise _classify(exc) from exc
        finally:
            try:
                device.close()
            except Exception:
                log.debug("closing %s failed", self.name, exc_info=True)

    def _status(self, device: Any, after_job: bool = False) -> None:
        status = _query(device, 1)
        if status & 0x08:
            cause = _query(device, 2)
            if cause & 0x04:
                raise PrintFault("cover_open")
            if cause & 0x20:
                raise PrintFault("paper_out")
            raise PrintFault("offline" if not cause & 0x40 else "error")
        if not after_job and _query(device, 4) & 0x60 == 0x60:
            raise PrintFault("paper_out")


def _query(device: Any, n: int) -> int:
    """One DLE EOT n real-time status byte; no answer, a closed link or a malformed byte is a fault."""
    try:
        answer = device.query_status(DLE_EOT + bytes([n]))
    except TimeoutError as exc:
        raise PrintFault("timeout", "no status answer") from exc
    except OSError as exc:
        raise _classify(exc) from exc
    if not answer:
        raise PrintFault("disconnected", "the printer closed the connection")
    byte = answer[-1] if isinstance(answer, bytes | bytearray) else int(answer[-1])
    if byte & 0x93 != 0x12:  # fixed bits of every DLE EOT answer: 1 and 4 set, 0 and 7 clear
        raise PrintFault("error", f"unexpected status byte 0x{byte:02x}")
    return byte


def _one_byte_answers(device: Any) -> Any:
    """python-escpos reads a serial status answer with read(16), which waits out the whole timeout
    for bytes that never come (a DLE EOT answer is one byte): each query cost a full timeout. Read
    the one byte."""
    device._read = lambda: device.device.read(1)
    return device


def _closed_when_refused(device: Any) -> Any:
    """python-escpos 3.1's Network.open drops the socket of a connection that failed without closing
    it (a file descriptor held until the collector runs, and a ResourceWarning): open it with
    `socket.create_connection`, which closes its socket when it fails; the same refusal is raised."""
    from escpos.exceptions import DeviceNotFoundError

    def open_(raise_not_found: bool = True) -> None:
        try:
            device.device = socket.create_connection((device.host, device.port), timeout=device.timeout)
        except OSError as exc:
            raise DeviceNotFoundError(f"Could not open socket for {device.host}:\n{exc}") from exc

    device.open = open_
    return device


def _classify_open(exc: Exception) -> PrintFault:
    text = str(exc).lower()
    if "refused" in text:
        return PrintFault("refused")
    if "timed out" in text:
        return PrintFault("timeout", "no answer when connecting")
    return PrintFault("not_found", str(exc).splitlines()[-1].strip(" ()"))


def _classify(exc: Exception) -> PrintFault:
    if isinstance(exc, ConnectionRefusedError):
        return PrintFault("refused")
    if isinstance(exc, TimeoutError | socket.timeout):
        return PrintFault("timeout")
    if isinstance(exc, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
        return PrintFault("disconnected")
    if isinstance(exc, FileNotFoundError | PermissionError):
        return PrintFault("not_found", str(exc))
    return PrintFault("error", f"{type(exc).__name__}: {exc}")


def parse_url(url: str) -> PrinterUrl:
    try:
        return parse_printer_url(url)
    except ValueError as exc:
        raise PrintFault("bad_url", f"{quoted(url)}: {exc}") from None


def open_transport(url: str, timeout: float = 3.0) -> Transport:
    """The transport for a printer URL (no connection is made until a job is sent)."""
    spec = parse_url(url)
    if spec.scheme == "preview":
        return Preview(expanded(spec.target))
    printers = _escpos_printer_module()
    if spec.scheme == "tcp":
        return EscposDevice(
            url,
            lambda: _closed_when_refused(printers.Network(spec.target, spec.port, timeout=timeout)),
            True,
            timeout,
        )
    if spec.scheme == "usb":
        return EscposDevice(
            url, lambda: printers.Usb(spec.vendor, spec.product, timeout=int(timeout * 1000)), True, timeout
        )
    if spec.scheme == "serial":
        return EscposDevice(
            url,
            lambda: _one_byte_answers(printers.Serial(spec.target, baudrate=spec.baudrate, timeout=timeout)),
            True,
            timeout,
        )
    return EscposDevice(url, lambda: printers.File(spec.target), False, timeout)
