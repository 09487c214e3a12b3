"""A benchmark run beside a saved one (`kiosk bench --compare OLD.json`), and a run as the README's
Markdown table (`kiosk bench --markdown`), so figures are compared and published, never copied by hand."""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path
from typing import Any

from cli import render
from kiosk.errors import KioskError

SLOWER_BEYOND = 0.20  # a change past this share, in the slow direction, is marked
NOT_FIGURES = ("quick", "cpus", "goals", "sizes")  # settings of the run, not measurements
COUNTS = ("_count", "taps", "calls", "tickets", "waiting", "_processes", "_tickets")


def load(path: Path) -> dict[str, Any]:
    """A saved `kiosk bench --json` run; a file that is not one is refused plainly."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KioskError(f"{path} is not a saved benchmark run: {exc}") from None
    if not isinstance(report, dict) or not isinstance(report.get("sqlite"), dict):
        raise KioskError(f"{path} is not a saved benchmark run (kiosk bench --json): no SQLite figures")
    return report


def figures(report: dict[str, Any]) -> dict[str, float]:
    """Every measured figure of a run by its dotted name ("sqlite.issue_p50_ms"); counts and the
    run's settings left out."""
    found: dict[str, float] = {}

    def walk(value: Any, name: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if not name and key in NOT_FIGURES:
                    continue
                walk(inner, f"{name}.{key}" if name else str(key))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and not name.endswith(COUNTS):
            found[name] = float(value)

    walk(report, "")
    return found


def slower(name: str, before: float, now: float) -> float:
    """How much slower `now` is than `before`, as a share (negative: faster). Throughputs are slower
    when they fall; times, sizes and CPU when they rise."""
    if before == 0:
        return 0.0
    change = (now - before) / before
    return -change if name.endswith("_per_s") else change


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Each figure of `new` beside `old`, with its change; changes past `SLOWER_BEYOND` in the slow
    direction marked SLOWER."""
    before, now = figures(old), figures(new)
    rows = []
    marked = 0
    for name in sorted(before.keys() & now.keys()):
        change = (now[name] - before[name]) / before[name] if before[name] else 0.0
        worse = slower(name, before[name], now[name]) > SLOWER_BEYOND
        marked += worse
        rows.append(
            [name, f"{before[name]:g}", f"{now[name]:g}", f"{change * 100:+.0f} %", "SLOWER" if worse else ""]
        )
    only = sorted(before.keys() ^ now.keys())
    lines = [
        f"{describe(old)}\n  beside\n{describe(new)}",
        "",
        render.table(["figure", "before", "now", "change", ""], rows),
        "",
        f"{marked} figure(s) more than {SLOWER_BEYOND:.0%} slower"
        if marked
        else f"no figure is more than {SLOWER_BEYOND:.0%} slower",
    ]
    if only:
        lines.append("in one run only: " + ", ".join(only))
    return "\n".join(lines)


def describe(report: dict[str, Any]) -> str:
    """Which run: full or quick, on which machine and commit."""
    title = "quick run" if report.get("quick") else "full run"
    machine = report.get("machine") or "an unnamed machine"
    commit = report.get("commit") or "an unknown commit"
    cpus, python = report.get("cpus", "?"), report.get("python", "?")
    return f"{title} on {machine}, {cpus} CPUs, Python {python}, commit {commit}"


def markdown(report: dict[str, Any], rows: list[list[str]], headers: list[str]) -> str:
    """The run's table in Markdown, under the line that says where and when it was measured."""

    def cells(row: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    lines = [f"Measured by `kiosk bench` ({describe(report)}):", "", cells(headers)]
    lines.append(cells(["---"] * len(headers)))
    lines += [cells(row) for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """The processor's model name (Linux), else what the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str | None:
    """The checkout's commit, with "+changes" when files differ from it; None outside a checkout."""
    here = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
