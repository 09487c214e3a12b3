"""Hostile input, fuzzed with hypothesis: the QR parser, the config and catalogue loaders, and the
CLI's arguments. Every time a clear error of our own, never a traceback, never a changed database."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import re
import string
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cli import main
from kiosk.clock import FixedClock
from kiosk.config import load_settings
from kiosk.domain.catalogue import parse_catalogue
from kiosk.errors import ConfigError, KioskError, ScanRefused
from kiosk.paths import bundled_data
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.security import signing
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


# The QR alphabet of a payload, and a payload's fields as the tests build them, independently of
# kiosk.security.signing: the body, then the first 80 bits of HMAC-SHA256 over it in base32.
PAYLOAD_CHARS = string.ascii_uppercase + string.digits + ":+-"
FIELDS = ("version", "id", "day", "code", "department", "windows")
UPPER, DIGITS = string.ascii_uppercase, string.digits
WINDOW = st.text(UPPER + DIGITS, min_size=1, max_size=8)
FIELD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "version": st.builds("K{}".format, st.sampled_from(UPPER + DIGITS)).filter(lambda v: v != "K1"),
    "id": st.integers(1, 10**12 - 1).map(str),
    "day": st.dates(date(1000, 1, 1)).map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"),
    "code": st.builds(
        "{}-{}".format, st.text(UPPER, min_size=1, max_size=2), st.text(DIGITS, min_size=3, max_size=5)
    ),
    "department": st.builds(
        "{}{}".format, st.sampled_from(UPPER), st.text(UPPER + DIGITS + "-", max_size=31)
    ),
    "windows": st.lists(WINDOW, min_size=1, max_size=4).map("+".join),
}
# Eight digits that are no date: a 31st of a 30-day month, a 29 February off leap years, month 00 or
# 13-99, day 00 or 32-99.
IMPOSSIBLE_DAYS = (
    st.tuples(st.integers(1000, 9999), st.integers(0, 99), st.integers(0, 99))
    .filter(lambda ymd: not _is_date(*ymd))
    .map(lambda ymd: f"{ymd[0]:04d}{ymd[1]:02d}{ymd[2]:02d}")
)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def sign_body(fields: dict[str, str]) -> str:
    body = ":".join(fields[name] for name in FIELDS)
    digest = hmac.new(SECRET, body.encode(), hashlib.sha256).digest()[:10]
    return f"{body}:{base64.b32encode(digest).decode()}"


GOOD_TICKETS = st.fixed_dictionaries({name: FIELD_VALUES[name] for name in FIELDS[1:]}).map(
    lambda fields: {"version": "K1", **fields}
)


@given(GOOD_TICKETS, st.data())
@settings(max_examples=400)
def test_any_change_anywhere_in_a_signed_code_is_refused(fields: dict[str, str], data: st.DataObject) -> None:
    """One character changed at any position, body or signature, to any character of the QR
    alphabet: refused, and where the code keeps its form, refused as forged."""
    good = sign_body(fields)
    position = data.draw(st.integers(0, len(good) - 1), label="position")
    replacement = data.draw(st.sampled_from(PAYLOAD_CHARS).filter(lambda c: c != good[position]))
    bad = good[:position] + replacement + good[position + 1 :]
    with pytest.raises(ScanRefused) as refused:
        signing.verify(SECRET, bad)
    where = "signature" if position > good.rindex(":") else "body"
    event(f"{where}: {refused.value.reason}")
    if position > 1 and _has_form(bad):
        assert refused.value.reason == "forged", bad


def _has_form(text: str) -> bool:
    """The payload's form: six fields, each as FIELD_VALUES makes them, then 16 base32 characters."""
    parts = text.split(":")
    patterns = [r"K1", r"\d{1,12}", r"\d{8}", r"[A-Z]{1,2}-\d{3,5}", r"[A-Z][A-Z0-9-]{0,31}",
                r"[A-Z0-9]{1,8}(\+[A-Z0-9]{1,8})*", r"[A-Z2-7]{16}"]  # fmt: skip
    return len(parts) == 7 and all(re.fullmatch(p, part) for p, part in zip(patterns, parts, strict=True))


@pytest.mark.parametrize("field", FIELDS)
@given(fields=GOOD_TICKETS, data=st.data())
@settings(max_examples=60)
def test_a_changed_field_under_the_old_signature_is_forged(
    field: str, fields: dict[str, str], data: st.DataObject
) -> None:
    good = sign_body(fields)
    value = data.draw(FIELD_VALUES[field], label=field)
    assume(value != fields[field])
    signature = good.rsplit(":", 1)[1]
    bad = ":".join(value if name == field else fields[name] for name in FIELDS) + ":" + signature
    with pytest.raises(ScanRefused) as refused:
        signing.verify(SECRET, bad)
    assert refused.value.reason == ("version" if field == "version" else "forged"), bad


@pytest.mark.parametrize("field", FIELDS[1:])
@given(fields=GOOD_TICKETS, data=st.data())
@settings(max_examples=60)
def test_a_changed_field_signed_again_round_trips(
    field: str, fields: dict[str, str], data: st.DataObject
) -> None:
    """Signed with the secret, any valid value of any field is accepted, read back as it was
    written, and signs back to the same text."""
    changed = {**fields, field: data.draw(FIELD_VALUES[field], label=field)}
    text = sign_body(changed)
    payload = signing.verify(SECRET, text.lower() if data.draw(st.booleans()) else text)
    assert (str(payload.ticket_id), payload.day.strftime("%Y%m%d"), payload.code) == (
        str(int(changed["id"])), changed["day"], changed["code"]
    )  # fmt: skip
    assert (payload.department, "+".join(payload.windows)) == (
        changed["department"].lower(),
        changed["windows"],
    )
    assert signing.sign(SECRET, payload) == text.replace(f":{changed['id']}:", f":{int(changed['id'])}:")


@given(fields=GOOD_TICKETS, day=IMPOSSIBLE_DAYS)
@settings(max_examples=100)
def test_an_impossible_date_signed_with_the_secret_is_refused(fields: dict[str, str], day: str) -> None:
    """The signature holds, so only the date check can refuse it."""
    with pytest.raises(ScanRefused, match="impossible date") as refused:
        signing.verify(SECRET, sign_body({**fields, "day": day}))
    assert refused.value.reason == "malformed"


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
        assert str(error).startswith("fuzzed.toml: ") and error.problems
        changed = key_path_of(path)
        event("names the key" if any(changed in p for p in error.problems) else "names a key above or below")
        assert any(_names(problem, changed) for problem in error.problems), (changed, error.problems)


@pytest.mark.parametrize("value", [0, 61200, 17.5, True])
def test_a_number_for_a_time_of_day_is_refused_by_name(value: object) -> None:
    """pydantic alone reads a number as seconds past midnight *in UTC*; the catalogue must refuse it."""
    import copy

    catalogue = copy.deepcopy(CATALOGUE)
    catalogue["department"][0]["last_ticket"] = value
    with pytest.raises(ConfigError) as caught:
        parse_catalogue(catalogue, "numbers.toml")
    assert any("department[1].last_ticket" in p for p in caught.value.problems), caught.value.problems


def key_path_of(path: list[str | int]) -> str:
    """["department", 1, "prefix"] -> "department[2].prefix", the way the loader names keys."""
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _names(problem: str, changed: str) -> bool:
    """The problem names the changed key (also as the first of two equal values), a key inside it,
    or the entry holding it (a rule over the entry: its last ticket outside its new hours). One rule
    ties two places: a menu changed so that a department's service is on no menu entry."""
    named = problem.split(": ", 1)[0]
    return (
        changed in problem
        or named.startswith((changed + ".", changed + "["))
        or changed.startswith((named + ".", named + "["))
        or (changed.startswith("menu") and problem.endswith("is on no menu entry"))
    )


def test_catalogue_problems_name_the_changed_key() -> None:
    """Changes the fuzz rarely hits by chance: a value made equal to another entry's."""
    import copy

    departments, menu = CATALOGUE["department"], CATALOGUE["menu"]
    changes: list[tuple[list[str | int], object]] = [
        (["department", 0, "prefix"], departments[1]["prefix"]),
        (["department", 1, "prefix"], departments[0]["prefix"]),
        (["department", 0, "service", 0, "code"], departments[1]["service"][0]["code"]),
        (["menu", 0, "services", 0], menu[1]["services"][0]),
        (["department", 0, "hours"], ["08:00-09:00"]),
    ]
    for path, value in changes:
        catalogue = copy.deepcopy(CATALOGUE)
        node = catalogue
        for key in path[:-1]:
            node = node[key]  # type: ignore[index]
        node[path[-1]] = value  # type: ignore[index]
        with pytest.raises(ConfigError) as error:
            parse_catalogue(catalogue, "changed.toml")
        changed = key_path_of(path)
        assert any(_names(problem, changed) for problem in error.value.problems), (
            changed,
            error.value.problems,
        )


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
