"""Breaks with reasons and staff statistics from the shell: `kiosk window W --pause --reason CODE`
(without a reason a usage error, an unknown one refused with the list), and `kiosk staff-stats`,
where an administrator sees everyone and any other member their own row only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main

ADMIN = {"KIOSK_STAFF": "Olena", "KIOSK_PIN": "4826"}
CLERK = {"KIOSK_STAFF": "Ivan", "KIOSK_PIN": "5555"}


@pytest.fixture
def kiosk(centre_toml: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Kiosk:
    run = Kiosk(centre_toml, monkeypatch, capsys)
    run.pins("4826\n", "staff", "add", "Olena", "--role", "admin", "--pin-stdin")
    run.pins("5555\n", "staff", "add", "Ivan", "--pin-stdin", who=ADMIN)
    run.pins("7777\n", "staff", "add", "Olha", "--pin-stdin", who=ADMIN)
    return run


class Kiosk:
    """`kiosk` in this process at a set time of Monday 2026-11-23, as a member."""

    def __init__(
        self, config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.config, self.monkeypatch, self.capsys = config, monkeypatch, capsys

    def __call__(self, hhmm: str, *args: str, who: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.monkeypatch.setenv("KIOSK_NOW", f"2026-11-23T{hhmm}:00+02:00")
        for key in ("KIOSK_STAFF", "KIOSK_PIN"):
            self.monkeypatch.delenv(key, raising=False)
        for key, value in (who or {}).items():
            self.monkeypatch.setenv(key, value)
        self.capsys.readouterr()
        code = main(["--config", str(self.config), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def pins(self, pin: str, *args: str, who: dict[str, str] | None = None) -> None:
        import io

        self.monkeypatch.setattr("sys.stdin", io.StringIO(pin))
        assert self("09:00", *args, who=who)[0] == 0


def test_a_break_from_the_shell_needs_a_known_reason(kiosk: Kiosk) -> None:
    code, _, err = kiosk("10:00", "window", "6", "--pause", who=CLERK)
    assert code == 2, "a usage error"
    assert (
        err
        == "kiosk: `kiosk window --pause` needs --reason: one of break, lunch, paperwork, training, other\n"
    )
    code, _, err = kiosk("10:00", "window", "6", "--pause", "--reason", "nap", who=CLERK)
    assert code == 1
    assert "unknown pause reason 'nap'; the reasons are: break, lunch, paperwork, training, other" in err
    assert kiosk("10:00", "window", "6", "--resume", "--reason", "lunch", who=CLERK)[0] == 2
    code, out, _ = kiosk("10:00", "--json", "window", "6", "--pause", "--reason", "lunch", who=CLERK)
    assert (code, json.loads(out)) == (0, {"window": "6", "paused": True, "reason": "lunch"})
    assert kiosk("10:30", "window", "6", "--resume", who=CLERK)[1] == "window 6 calls again\n"
    assert "lunch        Lunch" in kiosk("10:30", "catalogue")[1], "the catalogue lists the reasons"


def test_staff_stats_everyone_for_an_administrator_else_ones_own(kiosk: Kiosk) -> None:
    kiosk("10:00", "issue", "pension-new", "--no-print")
    kiosk(
        "10:00",
        "window",
        "7",
        "--pause",
        "--reason",
        "paperwork",
        who={"KIOSK_STAFF": "Olha", "KIOSK_PIN": "7777"},
    )
    kiosk("10:10", "call", "-w", "6", who=CLERK)  # waited 10 min: Ivan's span starts here
    kiosk("10:12", "start", "-w", "6", who=CLERK)
    kiosk("10:20", "finish", "-w", "6", who=CLERK)
    code, out, _ = kiosk("10:30", "--json", "staff-stats", who=ADMIN)
    assert code == 0
    assert json.loads(out) == {
        "day": "2026-11-23",
        "staff": [
            {"staff": "Ivan", "windows": ["6"], "served": 1, "service_mean_seconds": 480,
             "pause_seconds": {}, "pause_total_seconds": 0, "idle_seconds": 0, "working_seconds": 600},
            {"staff": "Olha", "windows": ["7"], "served": 0, "service_mean_seconds": None,
             "pause_seconds": {"paperwork": 1800}, "pause_total_seconds": 1800, "idle_seconds": 0,
             "working_seconds": 0},
        ],
    }  # fmt: skip
    code, out, _ = kiosk("10:30", "staff-stats", who=CLERK)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "staff", "windows", "served", "service_mean_min", "idle_min", "break_min", "breaks_min",
    ]  # fmt: skip
    assert lines[1].split() == ["Ivan", "6", "1", "8", "0", "0"], "a clerk sees their own row alone"
    assert not lines[2] and lines[3].startswith("(minutes; idle:")
    code, out, _ = kiosk("10:30", "--json", "staff-stats", who={"KIOSK_STAFF": "Olha", "KIOSK_PIN": "7777"})
    assert [row["staff"] for row in json.loads(out)["staff"]] == ["Olha"]
    assert kiosk("10:30", "staff-stats")[0] == 1, "a staff command: sign in first"
    code, _, err = kiosk("10:30", "staff-stats", "--day", "yesterday", who=ADMIN)
    assert (code, err) == (1, "kiosk: --day 'yesterday': expected a date like 2026-11-24\n")
