"""The settings and catalogue loaders and the printer URL take hostile files and values: symlink loops,
devices, nesting thousands of levels deep, 10 MB files and values. Each is refused with one message
that names the file (and the key), quotes the bad value cut to a readable length, and never a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.config import load_settings
from kiosk.domain.catalogue import load_catalogue
from kiosk.errors import ConfigError, KioskError, quoted
from kiosk.paths import bundled_data
from kiosk.printer_url import parse_printer_url
from kiosk.storage.db import Database
from kiosk.tomlfile import MAX_BYTES
from printer.transports import PrintFault, open_transport

CATALOGUE_TEXT = (bundled_data() / "catalogue.toml").read_text()
LOADERS = {"settings": lambda path: load_settings(path, environ={}), "catalogue": load_catalogue}


def nested(depth: int, kind: str) -> str:
    """A TOML value `depth` levels deep: arrays, inline tables, or both in turn."""
    opening = {"array": "[", "table": "{a = ", "both": "[{a = "}[kind]
    closing = {"array": "]", "table": "}", "both": "}]"}[kind]
    return opening * depth + "1" + closing * depth


# Files that are no TOML at all --------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, what the message must say)."""
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    (tmp_path / "folder").mkdir()
    big = tmp_path / "big.toml"
    big.write_text('centre_name = "' + "x" * 10_000_000 + '"\n')
    deep = tmp_path / "deep.toml"
    deep.write_text(f"centre_name = {nested(5000, 'array')}\n")
    deep_tables = tmp_path / "deep-tables.toml"
    deep_tables.write_text(f"centre_name = {nested(5000, 'table')}\n")
    return {
        "symlink loop": (tmp_path / "loop-a", "cannot be read (Too many levels of symbolic links)"),
        "folder": (tmp_path / "folder", "is a folder, expected a TOML file"),
        "10 MB": (big, "is larger than 1024 KiB"),
        "/dev/zero": (Path("/dev/zero"), "is larger than 1024 KiB"),
        "5000 arrays deep": (deep, "not valid TOML: nested too deeply"),
        "5000 tables deep": (deep_tables, "not valid TOML: nested too deeply"),
        "name too long": (tmp_path / ("n" * 300), "cannot be read (File name too long)"),
    }


@pytest.mark.parametrize("loader", LOADERS)
def test_hostile_files_are_refused_by_name(hostile: dict[str, tuple[Path, str]], loader: str) -> None:
    for name, (path, said) in hostile.items():
        with pytest.raises(ConfigError) as refused:
            LOADERS[loader](path)
        assert refused.value.path == str(path), name
        assert len(refused.value.problems) == 1, (name, refused.value.problems)
        assert refused.value.problems[0].startswith(said), (name, refused.value.problems)


@pytest.mark.parametrize("args", [["--config", "{loop}", "init"], ["--config", "/dev/zero", "queue"]])
def test_the_cli_refuses_them_with_exit_2(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    argv = [a.format(loop=tmp_path / "loop-a") for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "cli", *argv], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"kiosk: {argv[1]}: 1 problem(s)\n  ") and "Traceback" not in done.stderr


@given(depth=st.integers(1, 6000), kind=st.sampled_from(["array", "table", "both"]), key=st.sampled_from(
    ["centre_name", "languages", "bogus", "printer_url", "paper_width"]
))  # fmt: skip
@example(depth=5000, kind="array", key="centre_name")
@example(depth=300, kind="both", key="languages")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_settings_nested_any_depth(tmp_path: Path, depth: int, kind: str, key: str) -> None:
    path = tmp_path / "centre.toml"
    path.write_text(f"{key} = {nested(depth, kind)}\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})
    assert refused.value.path == str(path)
    assert key in str(refused.value) or "nested too deeply" in str(refused.value)


@given(depth=st.integers(1, 6000), kind=st.sampled_from(["array", "table", "both"]), spot=st.sampled_from(
    ['name = { en = "Pensions"', "prefix", 'windows = ["6"', "hours"]
))  # fmt: skip
@example(depth=5000, kind="table", spot="prefix")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_catalogue_nested_any_depth(tmp_path: Path, depth: int, kind: str, spot: str) -> None:
    """The first department's key `spot` holds a value `depth` levels deep."""
    head, _, tail = CATALOGUE_TEXT.partition("\n[[department]]\n")
    key = spot.split(" ")[0]
    lines = tail.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
    lines[index] = f"{key} = {nested(depth, kind)}"
    path = tmp_path / "catalogue.toml"
    path.write_text(head + "\n[[department]]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as refused:
        load_catalogue(path)
    assert refused.value.path == str(path)
    assert f"department[1].{key}" in str(refused.value) or "nested too deeply" in str(refused.value)


def test_the_bundled_catalogue_still_loads() -> None:
    """The edits above break a good file: untouched, it loads."""
    assert load_catalogue(bundled_data() / "catalogue.toml").department


# Long values are quoted cut ------------------------------------------------------------------------


def test_a_long_value_is_quoted_cut(tmp_path: Path) -> None:
    path = tmp_path / "centre.toml"
    size = MAX_BYTES - 10_000  # within the size limit
    path.write_text(f'centre_name = "{"x" * size}"\ntimezone = "{"y" * 5000}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})
    assert refused.value.problems == [
        f"centre_name: String should have at most 80 characters (found '{'x' * 60}'… ({size} characters))",
        f"timezone: expected an IANA time zone such as 'Europe/Kyiv' (found '{'y' * 60}'… (5000 characters))",
    ]


@given(st.text(max_size=200) | st.integers() | st.lists(st.integers(), max_size=100))
def test_quoted_is_short_and_starts_like_the_value(value: object) -> None:
    text = quoted(value)
    assert len(text) <= 60 + len(" (100000 characters)") + 10
    if len(repr(value)) <= 60:
        assert text == repr(value)
    else:
        assert text.startswith(repr(value)[:20]) and text.endswith(" characters)")


# Printer URLs ------------------------------------------------------------------------------------


BAD_URLS = {
    "tcp://127.0.0.1:99999": "the port must be a number from 1 to 65535",
    "tcp://127.0.0.1:0": "the port must be a number from 1 to 65535",
    "tcp://127.0.0.1:٩١٠٠": "the port must be a number from 1 to 65535",
    "tcp://[::1": "the host is not valid (Invalid IPv6 URL)",
    "tcp://:9100": "expected a host, e.g. tcp://192.168.1.50:9100",
    "serial:///dev/ttyS0?baudrate=abc": "the baudrate must be a number, e.g. ?baudrate=115200",
    "serial:///dev/ttyS0?baudrate=١١٥٢٠٠": "the baudrate must be a number, e.g. ?baudrate=115200",
    "usb://04b8": "expected usb://VID:PID in hex, e.g. usb://04b8:0202",
    "usb://٠٤:02": "expected usb://VID:PID in hex, e.g. usb://04b8:0202",
    "file://": "expected a path after file://",
    "preview:///tmp/a%00b": "expected a path after preview://",
    "lpt1": "expected tcp://, usb://, serial://, file:// or preview://",
}


@pytest.mark.parametrize(("url", "said"), BAD_URLS.items(), ids=list(BAD_URLS))
def test_a_bad_printer_url_is_refused_with_the_part_that_is_wrong(url: str, said: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(said)}$"):
        parse_printer_url(url)
    with pytest.raises(ConfigError) as refused:
        load_settings(environ={"KIOSK_PRINTER": url})
    assert refused.value.problems == [f"printer_url: {said} (found {url!r})"]
    assert "$KIOSK_PRINTER" in str(refused.value)
    with pytest.raises(PrintFault) as fault:
        open_transport(url)
    assert (fault.value.reason, fault.value.detail) == ("bad_url", f"{url!r}: {said}")


def test_kiosk_init_refuses_a_bad_printer_url_in_the_file(tmp_path: Path) -> None:
    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "data"\nprinter_url = "tcp://[::1"\n')
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "init"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        f"kiosk: {config}: 1 problem(s)\n  printer_url: the host is not valid (Invalid IPv6 URL) (found 'tcp://[::1')\n",
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("url", "scheme", "target", "port", "baudrate"),
    [("tcp://[::1]:9101", "tcp", "::1", 9101, 9600),
     ("tcp://printer.local", "tcp", "printer.local", 9100, 9600),
     ("serial:///dev/ttyUSB0?baudrate=115200", "serial", "/dev/ttyUSB0", 9100, 115200),
     ("preview:///tmp/a%20b", "preview", "/tmp/a b", 9100, 9600)],
)  # fmt: skip
def test_good_printer_urls(url: str, scheme: str, target: str, port: int, baudrate: int) -> None:
    spec = parse_printer_url(url)
    assert (spec.scheme, spec.target, spec.port, spec.baudrate) == (scheme, target, port, baudrate)
    assert load_settings(environ={"KIOSK_PRINTER": url}).printer_url == url


def test_a_usb_printer_url() -> None:
    spec = parse_printer_url("usb://04b8:0202")
    assert (spec.scheme, spec.target, spec.vendor, spec.product) == ("usb", "04b8:0202", 0x04B8, 0x0202)


DIGIT = st.sampled_from("0123456789٠١٢٣٤٥٦٧٨٩０１２３⁰¹²³")
URLS = st.one_of(
    st.text(max_size=60),
    st.builds(
        "{}://{}{}{}".format,
        st.sampled_from(["tcp", "usb", "serial", "file", "preview", "TCP", "http", ""]),
        st.sampled_from(["127.0.0.1", "[::1]", "[::1", "host", "", "[", "]", "04b8", "a:b:c", "/dev/ttyS0"]),
        st.text(DIGIT, max_size=8).map(lambda p: f":{p}") | st.just(""),
        st.text(DIGIT | st.sampled_from("?=&%/abc"), max_size=20).map(lambda q: f"?baudrate={q}")
        | st.just(""),
    ),
)


@given(URLS.filter(bool))
@example("tcp://127.0.0.1:99999")
@example("tcp://[::1")
@example("serial:///dev/ttyS0?baudrate=abc")
@example("x" * 100_000)
def test_any_printer_url_is_a_printer_or_a_clear_refusal(url: str) -> None:
    try:
        load_settings(environ={"KIOSK_PRINTER": url})
    except ConfigError as refused:
        assert refused.problems[0].startswith("printer_url: ")
        assert max(len(problem) for problem in refused.problems) < 300
        with pytest.raises(PrintFault):
            open_transport(url)
    else:
        parse_printer_url(url)  # the settings took it: the printer can read it too
        assert url.split("://")[0].lower() in ("tcp", "usb", "serial", "file", "preview")


def test_toml_parses_what_nested_writes() -> None:
    assert tomllib.loads(f"x = {nested(3, 'both')}") == {"x": [{"a": [{"a": [{"a": 1}]}]}]}


@pytest.mark.parametrize("zone", ["Europe", "America", "y" * 5000, "../../etc/passwd", "", "Europe/Kyiv/x"])
def test_a_time_zone_that_is_no_zone_file(tmp_path: Path, zone: str) -> None:
    """ "Europe" names a folder of the zone database, a very long name no possible file: both were
    tracebacks."""
    path = tmp_path / "centre.toml"
    path.write_text(f'timezone = "{zone}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})
    assert refused.value.problems == [
        f"timezone: expected an IANA time zone such as 'Europe/Kyiv' (found {quoted(zone)})"
    ]


@pytest.mark.parametrize("key", ["data_dir", "catalogue", "secret_file"])
@pytest.mark.parametrize(("value", "said"), [("a\\u0000b", "a path cannot contain a NUL character"),
                                             ("", "expected a path, found an empty text")])  # fmt: skip
def test_a_path_in_the_settings_that_no_file_can_have(
    tmp_path: Path, key: str, value: str, said: str
) -> None:
    path = tmp_path / "centre.toml"
    path.write_text(f'{key} = "{value}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})
    assert refused.value.problems[0].startswith(f"{key}: {said}")


def test_a_database_url_with_a_nul() -> None:
    with pytest.raises(KioskError, match="a database name cannot contain a NUL character"):
        Database("sqlite:////tmp/a%00b")
