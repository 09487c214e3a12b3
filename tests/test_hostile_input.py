"""Hostile input, fuzzed with hypothesis: the QR parser, the config and catalogue loaders, and the
CLI's arguments. Every time a clear error of our own, never a traceback, never a changed database."""

from __future__ import annotations

import contextlib
import io
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kiosk import signing
from kiosk.catalogue import parse_catalogue
from kiosk.cli import main
from kiosk.clock import FixedClock
from kiosk.config import load_settings
from kiosk.errors import ConfigError, KioskError, ScanRefused
from kiosk.paths import bundled_data
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.storage.models import Event, Ticket
from tests.conftest import MONDAY_10, make_settings

SECRET = b"0123456789abcdef0123456789abcdef"
QR_ALPHABET = string.ascii_uppercase + string.digits + ":+-" + "ʼ\x00 é"


@given(st.text(alphabet=QR_ALPHABET, max_size=120) | st.text(max_size=80))
@settings(max_examples=400)
def test_qr_parser_refuses_cleanly(text: str) -> None:
    try:
        payload = signing.verify(SECRET, text)
    except ScanRefused as refused:
        assert refused.reason in {"malformed", "forged", "version"}
    else:  # only a correctly signed payload gets through, and it signs back to itself
        assert signing.sign(SECRET, payload) == text.strip().upper()


@given(st.integers(1, 10**11), st.dates(), st.sampled_from(["P-001", "AB-12345"]), st.integers(0, 15))
def test_any_single_character_change_breaks_the_signature(
    ticket_id: int, day: object, code: str, at: int
) -> None:
    from datetime import date

    assert isinstance(day, date)
    good = signing.sign(SECRET, signing.Payload(ticket_id, day, code, "pensions", ("6", "12")))
    position = len(good) - 1 - at
    replacement = "A" if good[position] != "A" else "B"
    bad = good[:position] + replacement + good[position + 1 :]
    with pytest.raises(ScanRefused):
        signing.verify(SECRET, bad)


def _nested(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)


TOML_VALUES = st.recursive(
    st.none().map(lambda _: "") | st.integers(-(10**6), 10**6) | st.text(max_size=20) | st.booleans(),
    _nested,
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from([
    "centre_name", "timezone", "main_language", "languages", "paper_width", "sla_minutes", "database_url",
    "printer_url", "idle_warning_seconds", "stale_call_minutes", "bogus",
]), TOML_VALUES, max_size=5))  # fmt: skip
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_config_loader_names_the_file_or_accepts(tmp_path: Path, values: dict[str, object]) -> None:
    import tomli_w

    path = tmp_path / "centre.toml"
    try:
        path.write_text(tomli_w.dumps({k: v for k, v in values.items() if v != ""}))
    except (TypeError, ValueError):
        return
    try:
        load_settings(path, environ={})
    except ConfigError as error:
        assert str(path) in str(error)


@given(st.binary(max_size=300))
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_config_loader_survives_garbage_bytes(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "centre.toml"
    path.write_bytes(blob)
    try:
        load_settings(path, environ={})
    except ConfigError as error:
        assert str(path) in str(error)


CATALOGUE = tomllib.loads((bundled_data() / "catalogue.toml").read_text())


@given(st.data())
@settings(max_examples=200)
def test_catalogue_loader_names_the_key(data: st.DataObject) -> None:
    """Replace one value anywhere in the real catalogue with something random."""
    import copy

    catalogue = copy.deepcopy(CATALOGUE)
    node: object = catalogue
    path = []
    while isinstance(node, dict | list) and node:
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        if not isinstance(node[key], dict | list) or data.draw(st.booleans()):  # type: ignore[index]
            node[key] = data.draw(TOML_VALUES)  # type: ignore[index]
            break
        node = node[key]  # type: ignore[index]
    try:
        parse_catalogue(catalogue, "fuzzed.toml")
    except ConfigError as error:
        assert "fuzzed.toml" in str(error) and error.problems


ARGUMENTS = st.lists(
    st.sampled_from(
        [
            "issue",
            "call",
            "recall",
            "start",
            "finish",
            "no-show",
            "hold",
            "return",
            "transfer",
            "cancel",
            "show",
            "queue",
            "stats",
            "scan",
            "reprint",
            "staff",
            "close-day",
            "export",
            "catalogue",
            "department",
            "window",
            "--window",
            "--to",
            "--lang",
            "--priority",
            "--day",
            "--json",
            "--csv",
            "--service",
            "--reason",
            "pension-new",
            "P-001",
            "6",
            "99",
            "xx",
            "2026-13-45",
            "../../etc/passwd",
            "-1",
            "",
            "K1:1:2:3",
            "\x00",
            "💥",
            "--db",
            "sqlite:////nonexistent/dir/x.db",
            "--interpreter",
            "--document",
            "pensions",
            "--close",
            "--last-ticket",
            "--pause",
            "25:61",
            "10:30",
        ]
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    settings_ = make_settings(tmp, f"sqlite:///{tmp / 'kiosk.sqlite3'}", printer_url=f"preview://{tmp / 't'}")
    clock = FixedClock(MONDAY_10)
    initialise(settings_, clock)
    service = open_service(settings_, clock)
    service.issue("pension-new")
    open_staff(service).add("Olena", "admin", "482913")
    config = tmp / "centre.toml"
    config.write_text(
        f'data_dir = "{settings_.data_dir}"\ndatabase_url = "{settings_.db_url}"\n'
        f'printer_url = "{settings_.printer}"\n'
    )
    return config


@given(ARGUMENTS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_cli_arguments_never_crash(centre: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    monkeypatch.setenv("KIOSK_NOW", MONDAY_10.isoformat())
    monkeypatch.setenv("KIOSK_STAFF", "Olena")  # signed in, so the arguments reach every command
    monkeypatch.setenv("KIOSK_PIN", "482913")
    for name in ("KIOSK_DATABASE_URL", "KIOSK_DATA_DIR", "KIOSK_PRINTER"):
        monkeypatch.delenv(name, raising=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--config", str(centre), *argv])
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
        except KioskError as error:  # pragma: no cover - main() must catch these itself
            pytest.fail(f"{argv}: KioskError escaped main(): {error}")
    assert isinstance(code, int)
    assert "Traceback" not in err.getvalue(), (argv, err.getvalue())


def test_a_refused_command_changes_nothing(centre: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_NOW", MONDAY_10.isoformat())
    monkeypatch.setenv("KIOSK_STAFF", "Olena")
    monkeypatch.setenv("KIOSK_PIN", "482913")
    settings_ = load_settings(centre, environ={})
    service = open_service(settings_, FixedClock(MONDAY_10))

    def counts() -> tuple[int, int]:
        with service.db.read() as s:
            return (s.scalar(select(func.count()).select_from(Ticket)) or 0,
                    s.scalar(select(func.count()).select_from(Event)) or 0)  # fmt: skip

    before = counts()
    refused = [
        ["issue", "nope"],
        ["finish", "P-001"],
        ["transfer", "P-001", "--to", "mars"],
        ["call", "--window", "99"],
        ["issue", "pension-new", "--priority", "vip"],
        ["cancel", "P-999"],
        ["scan", "K1:1:20261123:P-001:PENSIONS:6:AAAAAAAAAAAAAAAA"],
    ]
    for argv in refused:
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["--config", str(centre), *argv]) != 0, argv
    assert counts() == before
