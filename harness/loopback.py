"""A loopback ESC/POS printer on a free TCP port (port 9100 style), for the tests and the soak: answers
DLE EOT status queries like an Epson TM printer and keeps or counts the jobs it receives; its `mode`
can be switched at any moment to hang, drop a job halfway, or report paper out, offline or an open
cover."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field

from harness.decode import Command, parse

OK = 0x12  # the fixed bits of every status byte: nothing wrong
STATUS = {
    "ok": {1: OK, 2: OK, 4: OK},
    "paper_out": {1: OK | 0x08, 2: OK | 0x20, 4: OK | 0x60},
    "cover_open": {1: OK | 0x08, 2: OK | 0x04, 4: OK},
    "offline": {1: OK | 0x08, 2: OK, 4: OK},
}


@dataclass
class Connection:
    opened: float
    closed: float = 0.0
    data: bytearray = field(default_factory=bytearray)


class LoopbackPrinter:
    """`mode` is one of "ok", "hang", "drop" or a key of STATUS; `keep=False` only counts the jobs
    (`completed`), for long runs."""

    def __init__(self, mode: str = "ok", drop_after: int = 2000, keep: bool = True) -> None:
        self.mode = mode
        self.drop_after = drop_after
        self.keep = keep
        self.completed = 0  # jobs received up to their cut
        self.faults_served: dict[str, int] = {}  # connections that met each fault mode
        self.connections: list[Connection] = []
        self._count_lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def jobs(self) -> list[list[Command]]:
        """The commands of each connection that carried a complete job (status queries included)."""
        out = []
        for conn in self.connections:
            commands, _ = parse(bytes(conn.data))
            if any(c.name == "cut" for c in commands):
                out.append(commands)
        return out

    def close(self) -> None:
        """Stop listening for good. Closing alone does not wake a thread blocked in accept() on
        Linux (the kernel would go on accepting); shutting the socket down does."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _served(self, mode: str) -> None:
        with self._count_lock:
            self.faults_served[mode] = self.faults_served.get(mode, 0) + 1

    def _handle(self, conn: socket.socket) -> None:
        record = Connection(opened=time.monotonic())
        if self.keep:
            self.connections.append(record)
        pending = b""
        received = 0
        answering: str | None = None  # the mode of the connection's status answers, fixed at its first
        try:
            if self.mode == "hang":
                self._served("hang")
                self._stop.wait(30)
                return
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                received += len(chunk)
                if self.keep:
                    record.data += chunk
                if self.mode == "drop" and received > self.drop_after:
                    self._served("drop")
                    return  # the cable is pulled halfway through the job
                pending += chunk
                commands, used = parse(pending)
                pending = pending[used:]
                for command in commands:
                    if command.name == "cut":
                        with self._count_lock:
                            self.completed += 1
                    elif command.name == "status":
                        if answering is None:  # one printer state for all of a job's questions
                            answering = self.mode
                            if answering in STATUS and answering != "ok":
                                self._served(answering)
                        conn.sendall(bytes([STATUS.get(answering, STATUS["ok"])[command.arg]]))
        except OSError:
            return
        finally:
            record.closed = time.monotonic()
            conn.close()


# What the kiosk records for each fault mode (the `reason` of its `print_failed` event).
REASON_OF = {"offline": "offline", "paper_out": "paper_out", "hang": "timeout", "drop": "disconnected"}


class FaultSchedule:
    """A loopback printer that fails at random moments of a run of `seconds`: each kind of fault in
    `kinds` at least once (more in longer runs), each for a short random spell that lasts until it
    has met at least one job, "ok" in between. `injected` counts the spells of each kind that met a job."""

    def __init__(self, seconds: float, seed: int = 0, kinds: tuple[str, ...] = tuple(REASON_OF)) -> None:
        self.printer = LoopbackPrinter(keep=False, drop_after=4000)
        self.kinds = kinds
        self.injected: dict[str, int] = {kind: 0 for kind in kinds}
        rng = random.Random(seed)
        spells = max(len(kinds), int(seconds / 10))
        order = [kinds[i % len(kinds)] for i in range(spells)]
        rng.shuffle(order)
        # Spells start at random moments in the first 80 % of the run, never overlapping.
        slot = seconds * 0.8 / spells
        self.plan = [
            (i * slot + rng.uniform(0, slot * 0.4), rng.uniform(0.3, 0.5) * slot, kind)
            for i, kind in enumerate(order)
        ]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:  # started
            self._thread.join(timeout=5)
        self.printer.close()

    def _run(self) -> None:
        began = time.monotonic()
        for at, length, kind in self.plan:
            if self._stop.wait(max(0.0, began + at - time.monotonic())):
                break
            met = self.printer.faults_served.get(kind, 0)
            self.printer.mode = kind
            stopped = self._stop.wait(length)
            while not stopped and self.printer.faults_served.get(kind, 0) == met:
                stopped = self._stop.wait(0.05)  # a fault nobody met proves nothing: wait for a job
            self.printer.mode = "ok"
            # a spell counts once a job met it (a run that ends first, on a loaded machine, cut it short)
            self.injected[kind] += self.printer.faults_served.get(kind, 0) > met
            if stopped:
                break
