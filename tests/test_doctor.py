"""`kiosk doctor`: a well set-up centre is ready (exit 0, every check ok or a note), and each thing
that can be wrong before the doors open is named with its fix (exit 1): the settings, the catalogue,
the database (behind, unreachable, missing), the secrets, the printer, the voices, the fonts, the
clock, the disk and the backups. Run in-process (`cli.main`) over a copy of one initialised centre."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

import cli.doctor
from cli import main
from harness.loopback import LoopbackPrinter
from kiosk.doctor.base import CHECK_BROKE, FontSet
from kiosk.doctor.files import check_disk
from kiosk.doctor.fonts import _covers, check_fonts, covers, visible_texts
from kiosk.domain.catalogue import load_catalogue
from kiosk.paths import bundled_data
from kiosk.storage import SCHEMA_REVISION
from tests.conftest import needs_tool, scratch_pg

RUN_INIT = "run `kiosk init`"


def write_config(folder: Path, body: str = "", name: str = "kiosk.toml") -> Path:
    path = folder / name
    path.write_text(f'centre_name = "Test centre"\ndata_dir = "data"\n{body}', encoding="utf-8")
    return path


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def backup(folder: Path, age: timedelta = timedelta(0)) -> Path:
    folder.mkdir(exist_ok=True)
    made = datetime.now(UTC) - age
    path = folder / f"kiosk-backup-{made:%Y%m%d-%H%M%S}.tar.gz"
    path.write_bytes(b"")
    os.utime(path, (made.timestamp(), made.timestamp()))
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("KIOSK_") or name == "ESPEAK_DATA_PATH":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A centre after `kiosk init`: its settings file and data folder."""
    folder = tmp_path_factory.mktemp("pristine")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("KIOSK_"):
                patch.delenv(name)
        assert main(["--config", str(write_config(folder)), "init"]) == 0
    return folder / "data"


@pytest.fixture
def centre(tmp_path: Path, pristine: Path) -> Path:
    """A copy of the initialised centre with a fresh backup; returns its settings file."""
    shutil.copytree(pristine, tmp_path / "data")
    backup(tmp_path / "data" / "backups")
    return write_config(tmp_path)


class Doctor:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, config: Path, *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
        """Exit code and the checks by name, from `--json`."""
        self.capsys.readouterr()
        code = main(["--config", str(config), "--json", "doctor", *args])
        out, err = self.capsys.readouterr()
        report = json.loads(out)
        assert report["ok"] is (code == 0)
        if code:
            failed = [c["name"] for c in report["checks"] if not c["ok"]]
            assert err == f"kiosk: {len(failed)} check(s) failed: {', '.join(failed)}\n"
        return code, {c["name"]: c for c in report["checks"]}

    def text(self, config: Path) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--config", str(config), "doctor"])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def doctor(capsys: pytest.CaptureFixture[str]) -> Doctor:
    return Doctor(capsys)


def failed(checks: dict[str, dict[str, Any]]) -> list[str]:
    return [name for name, c in checks.items() if not c["ok"]]


def listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_mode) for p in folder.rglob("*"))


# A centre ready to open -----------------------------------------------------------------------------


@needs_tool("espeak-ng")
def test_a_well_set_up_centre_is_ready_and_doctor_changes_nothing(
    centre: Path, doctor: Doctor, tmp_path: Path
) -> None:
    before = listing(tmp_path)
    code, checks = doctor(centre)
    assert code == 0
    assert list(checks) == [
        "settings", "catalogue", "database", "qr-secret", "pin-key", "data-folder", "printer", "voices",
        "font-terminals", "font-phone", "font-printer", "clock", "disk", "backups",
    ]  # fmt: skip
    levels = {name: c["level"] for name, c in checks.items()}
    assert levels == {**dict.fromkeys(checks, "ok"), "printer": "note", "clock": "note"}
    assert checks["database"]["detail"].endswith(f"kiosk.sqlite3: schema {SCHEMA_REVISION} (current)")
    assert (
        checks["printer"]["detail"]
        == f"preview printer: tickets are written as files to {tmp_path}/data/tickets"
    )
    assert "SQLite has no server clock" in checks["clock"]["detail"]
    assert "en-gb, ru, tr, ro, ms, vi" in checks["voices"]["detail"]
    assert all(c["fix"] is None for name, c in checks.items() if name != "clock")

    code, out, err = doctor.text(centre)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"ok    settings        {centre}: Test centre, data folder {tmp_path}/data"
    assert lines[-1] == "ready: 12 ok, 2 note(s), 0 failed"
    assert "FAIL" not in out
    assert listing(tmp_path) == before  # nothing made, nothing changed


# Each thing broken once -----------------------------------------------------------------------------


def test_the_printer_answers_is_out_of_paper_or_is_not_there(
    centre: Path, doctor: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = LoopbackPrinter()
    try:
        monkeypatch.setenv("KIOSK_PRINTER", printer.url)
        checks = doctor(centre)[1]
        assert checks["printer"] == {
            "name": "printer", "ok": True, "level": "ok",
            "detail": f"{printer.url}: answers, online, paper loaded, cover closed", "fix": None,
        }  # fmt: skip
        assert printer.jobs() == []  # asked for its status only: nothing printed
        printer.mode = "paper_out"
        code, checks = doctor(centre)
        assert code == 1 and "printer" in failed(checks)
        assert checks["printer"]["detail"] == f"{printer.url}: the printer is out of paper"
        assert checks["printer"]["fix"] == "load a new paper roll"
    finally:
        printer.close()
    url = f"tcp://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("KIOSK_PRINTER", url)
    checks = doctor(centre)[1]
    assert checks["printer"]["detail"] == f"{url}: the printer refused the connection"
    assert checks["printer"]["fix"].startswith("switch the printer on")


def test_a_secret_others_can_read_a_missing_key_and_an_open_data_folder(
    centre: Path, doctor: Doctor, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    (data / "qr-secret").chmod(0o644)
    (data / "pin-key").unlink()
    data.chmod(0o755)
    code, checks = doctor(centre)
    assert code == 1
    assert failed(checks) == ["qr-secret", "pin-key", "data-folder"]
    assert (
        checks["qr-secret"]["detail"] == f"the QR secret {data}/qr-secret can be read by others (mode 0644)"
    )
    assert checks["qr-secret"]["fix"] == f"chmod 600 {data}/qr-secret"
    assert checks["pin-key"]["detail"] == f"the PIN key {data}/pin-key is missing"
    assert checks["pin-key"]["fix"].startswith(RUN_INIT)
    assert checks["data-folder"]["fix"] == f"chmod 700 {data}"
    assert not (data / "pin-key").exists()  # doctor makes nothing


def test_a_database_behind_missing_or_with_a_catalogue_not_loaded(
    centre: Path, doctor: Doctor, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "kiosk.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0006'")
    conn.close()
    code, checks = doctor(centre)
    assert code == 1 and failed(checks) == ["database"]
    assert checks["database"]["detail"].endswith(f"schema 0006, this kiosk needs {SCHEMA_REVISION}")
    assert checks["database"]["fix"] == RUN_INIT

    catalogue = tmp_path / "catalogue.toml"
    text = (bundled_data() / "catalogue.toml").read_text(encoding="utf-8")
    catalogue.write_text(text.replace('"Information desk"', '"Information"'), encoding="utf-8")
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (SCHEMA_REVISION,))
    conn.close()
    edited = write_config(tmp_path, 'catalogue = "catalogue.toml"\n', "edited.toml")
    checks = doctor(edited)[1]
    assert "the catalogue file differs from the catalogue loaded" in checks["database"]["detail"]
    assert checks["database"]["fix"] == f"{RUN_INIT} to load it"

    database.write_text("centre_name = 'a settings file, not a database'\n", encoding="utf-8")
    checks = doctor(centre)[1]
    assert checks["database"]["detail"] == f"sqlite:///{database}: file is not a database"
    assert checks["database"]["fix"] == f"restore it from a backup, or move it away and {RUN_INIT}"
    assert (
        database.read_text(encoding="utf-8").startswith("centre_name")
        and not Path(f"{database}-wal").exists()
    )

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    checks = doctor(centre)[1]
    assert checks["database"]["detail"] == f"there is no database file {database}"
    assert checks["database"]["fix"] == RUN_INIT
    assert not database.exists()  # not created by looking


def test_an_unreachable_database_server(centre: Path, doctor: Doctor) -> None:
    """Named with its fix, and without waiting: the server is asked once, with a connect timeout
    (a server that never answers costs 3 s, not the driver's default of waiting for ever)."""
    port = closed_port()
    timeouts: list[object] = []

    def connecting(dialect: Any, record: Any, args: Any, params: dict[str, Any]) -> None:
        timeouts.append(params.get("connect_timeout"))

    event.listen(Engine, "do_connect", connecting)
    try:
        code, checks = doctor(centre, "--db", f"postgresql://kiosk:secret@127.0.0.1:{port}/kiosk")
    finally:
        event.remove(Engine, "do_connect", connecting)
    assert timeouts == [3]
    assert code == 1 and failed(checks) == ["database"]
    detail = checks["database"]["detail"]
    assert detail.startswith(f"postgresql+psycopg://kiosk:***@127.0.0.1:{port}/kiosk: ")
    assert "refused" in detail and "secret" not in detail
    assert checks["database"]["fix"].startswith(f"start the database server at 127.0.0.1:{port}")
    assert checks["clock"]["level"] == "note"
    assert "the database's clock was not read" in checks["clock"]["detail"]


@pytest.mark.postgres
def test_postgresql_is_read_and_its_clock_compared(tmp_path: Path, doctor: Doctor) -> None:
    config = write_config(tmp_path)
    with scratch_pg() as url:
        assert main(["--config", str(config), "--db", url, "init"]) == 0
        backup(tmp_path / "data" / "backups")
        checks = doctor(config, "--db", url)[1]
    assert set(failed(checks)) <= {"voices"}, checks  # voices: where espeak-ng is not installed
    assert checks["database"]["level"] == "ok"
    assert checks["clock"]["level"] == "ok"
    assert "the database's clock agrees" in checks["clock"]["detail"]


@needs_tool("espeak-ng")
def test_a_language_without_a_voice_and_no_espeak_at_all(
    centre: Path, doctor: Doctor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """espeak-ng's own data less the Austronesian voices (Malay): the real program lists no ms."""
    said = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    espeak_data = Path(said.split("Data at:")[1].strip())
    data = tmp_path / "espeak-data"
    (data / "lang").mkdir(parents=True)
    for item in espeak_data.iterdir():
        if item.name != "lang":
            (data / item.name).symlink_to(item)
    for family in (espeak_data / "lang").iterdir():
        if family.name != "poz":
            (data / "lang" / family.name).symlink_to(family)
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(data))
    code, checks = doctor(centre)
    assert code == 1 and failed(checks) == ["voices"]
    assert checks["voices"]["detail"] == "espeak-ng has no voice for ms"
    assert checks["voices"]["fix"].startswith("apt install espeak-ng")
    assert f"ESPEAK_DATA_PATH={data} is set" in checks["voices"]["fix"]

    quiet = write_config(tmp_path, "speech = false\n", "quiet.toml")  # a counter's machine: only a note
    code, checks = doctor(quiet)
    assert code == 0 and checks["voices"]["level"] == "note"

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    checks = doctor(centre)[1]
    assert checks["voices"]["detail"] == "espeak-ng is not installed"
    assert checks["voices"]["fix"] == "apt install espeak-ng"


def test_a_missing_font_file_and_a_font_without_the_letters(
    centre: Path, doctor: Doctor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    latin = tmp_path / "latin.ttf"
    font = TTFont(bundled_data() / "web" / "phone" / "fonts" / "DejaVuSans.woff2")
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(unicodes=range(0x20, 0x250))  # Latin only: no Cyrillic, no Vietnamese
    subsetter.subset(font)
    font.flavor = None
    font.save(latin)
    gone = tmp_path / "gone.ttf"
    monkeypatch.setattr(
        cli.doctor,
        "font_sets",
        lambda: [FontSet("font-printer", "printed tickets", (gone,)), FontSet("font-x", "x", (latin,))],
    )
    code, checks = doctor(centre)
    assert code == 1 and failed(checks) == ["font-printer", "font-x"]
    assert checks["font-printer"]["detail"] == f"printed tickets: no font file {gone}"
    assert (
        checks["font-printer"]["fix"]
        == f"the font file {gone} is missing: reinstall the kiosk, which ships it"
    )
    detail = checks["font-x"]["detail"]
    assert detail.startswith("x: latin.ttf has no glyph for ")
    assert "ї (U+0457, language name (uk))" in detail and re.search(r" and \d+ more$", detail)
    assert (
        checks["font-x"]["fix"]
        == f"reword those texts, or ship a font with these letters in place of {latin}"
    )


def test_a_damaged_font_file_is_named_with_its_fix(tmp_path: Path) -> None:
    """A WOFF2 file cut short (brotli cannot decode it) or a TrueType file of noise: the font check
    fails naming the file and how to get it back, not as a check that broke."""
    whole = (bundled_data() / "web" / "phone" / "fonts" / "DejaVuSans.woff2").read_bytes()
    cut, noise = tmp_path / "DejaVuSans.woff2", tmp_path / "noise.ttf"
    cut.write_bytes(whole[: len(whole) // 2])
    noise.write_bytes((bundled_data() / "fonts" / "DejaVuSans.ttf").read_bytes()[:5000])
    for path in (cut, noise):
        check = check_fonts(FontSet("font-phone", "the visitor's phone page", (path,)), [("t", "Aa")])
        assert not check.ok
        assert check.detail.startswith(f"the visitor's phone page: the font file {path} is damaged (")
        assert check.fix is not None
        assert check.fix.startswith("reinstall the kiosk, which ships it: ")
        assert "pip install --force-reinstall lobby-kiosk" in check.fix


def test_glyphs_drawn_with_pillow_agree_with_the_character_map() -> None:
    """Without fontTools (a kiosk installed without the test extra), a letter is drawn and compared
    with the font's missing-glyph box."""
    path = bundled_data() / "fonts" / "DejaVuSans.ttf"
    catalogue = load_catalogue(bundled_data() / "catalogue.toml")
    texts = visible_texts(catalogue)
    assert any(where == "catalogue department pensions name (vi)" for where, _ in texts)
    fonts = FontSet("f", "printed tickets", (path,))
    has, reader = covers(path)
    assert reader == "fontTools"
    assert check_fonts(fonts, texts).detail.endswith("letters (fontTools)")
    _covers.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(sys.modules, "fontTools.ttLib", None)  # its import fails
            drawn, reader = covers(path)
            check = check_fonts(fonts, texts)
    finally:
        _covers.cache_clear()
    assert reader == "drawn with Pillow: fontTools or brotli is not installed"
    for ch in "AaїґșțğİıệơưЖ中\U0001f600":
        assert drawn(ch) == has(ch), ch
    assert not has("中")
    assert check.ok and check.detail.endswith(
        "letters (drawn with Pillow: fontTools or brotli is not installed)"
    )


def test_a_broken_catalogue_or_settings_file(centre: Path, doctor: Doctor, tmp_path: Path) -> None:
    (tmp_path / "catalogue.toml").write_text("[[department]\n", encoding="utf-8")
    config = write_config(tmp_path, 'catalogue = "catalogue.toml"\n', "edited.toml")
    code, checks = doctor(config)
    assert code == 1 and failed(checks) == ["catalogue"]
    assert checks["catalogue"]["detail"].startswith(f"{tmp_path}/catalogue.toml: not valid TOML")
    assert checks["catalogue"]["fix"] == f"correct {tmp_path}/catalogue.toml, then {RUN_INIT} to load it"
    assert "not checked" in checks["font-printer"]["detail"]

    folder = write_config(tmp_path, f'catalogue = "{tmp_path}"\n', "folder.toml")
    checks = doctor(folder)[1]
    assert checks["catalogue"]["detail"] == f"{tmp_path}: is a folder, expected a TOML file"

    broken = write_config(tmp_path, 'paper_width = "wide"\n', "broken.toml")
    code, checks = doctor(broken)  # main() would exit 2 on it: doctor reports it instead
    assert code == 1
    assert list(checks) == ["settings", "other-checks"]
    assert "paper_width" in checks["settings"]["detail"]
    assert checks["settings"]["fix"] == f"correct {broken}: each problem names its key"
    assert checks["other-checks"]["level"] == "note"


def test_no_backup_an_old_backup_and_a_pinned_clock(
    centre: Path, doctor: Doctor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data" / "backups"
    shutil.rmtree(folder)
    code, checks = doctor(centre)
    assert code == 1 and failed(checks) == ["backups"]
    assert checks["backups"]["detail"] == f"no backup in {folder}"
    assert (
        checks["backups"]["fix"] == "run `kiosk backup` (and enable the nightly timer: `kiosk setup systemd`)"
    )
    old = backup(folder, timedelta(hours=27, minutes=5))
    checks = doctor(centre)[1]
    assert checks["backups"]["detail"] == f"the last backup, {old}, is 1 day 3 h old"

    monkeypatch.setenv("KIOSK_NOW", "2026-11-23T10:00:00+02:00")
    checks = doctor(centre)[1]
    assert checks["clock"]["ok"] is False
    assert "pinned by KIOSK_NOW=2026-11-23T10:00:00+02:00" in checks["clock"]["detail"]
    assert checks["clock"]["fix"] == "unset KIOSK_NOW for a real day"


def test_low_disk_space_is_a_failure(tmp_path: Path) -> None:
    check = check_disk([("data folder", tmp_path), ("backups", tmp_path / "not-yet")], 10**18, 0.05)
    assert not check.ok
    assert check.detail.endswith("; backups on the same disk")
    assert check.fix is not None and str(tmp_path) in check.fix


def test_a_check_that_breaks_is_a_failed_check_and_outside_text_is_plain(
    tmp_path: Path, doctor: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_probe(url: str, timeout: float) -> None:
        raise RuntimeError("the probe broke")

    monkeypatch.setattr(cli.doctor, "probe_printer", broken_probe)
    monkeypatch.setenv("KIOSK_PRINTER", "tcp://127.0.0.1:9")
    config = tmp_path / "kiosk.toml"
    config.write_text('centre_name = "Red \\u001b[31m centre"\ndata_dir = "da\\u001bta"\n', encoding="utf-8")
    code, out, err = doctor.text(config)
    assert code == 1 and "Traceback" not in out + err
    broke = "FAIL  printer         the check itself failed: RuntimeError: the probe broke"
    assert f"{broke}\n{'':21} → {CHECK_BROKE}\n" in out  # what to do, like every failure
    assert "\x1b" not in out and "Red \\x1b[31m centre" in out
    assert f"FAIL  data-folder     the data folder {tmp_path}/da\\x1bta is missing" in out
    assert f"→ {RUN_INIT}" in out
    assert err.startswith("kiosk: ") and "printer" in err
