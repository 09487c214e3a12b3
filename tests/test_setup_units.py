"""`kiosk setup systemd`: the unit files it builds (restart, user, sandbox, settings path, this
Python), what it refuses, how it writes them, and `systemd-analyze verify` on what it wrote."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.units import (
    Request,
    SetupRefused,
    Unit,
    build_units,
    check_terminals,
    next_commands,
    write_units,
)
from tests.conftest import in_ci

PYTHON = Path(sys.executable)
KIOSK = PYTHON.parent / "kiosk"
# The units of a kiosk whose Python or code is in /tmp (a CI clone there) keep /tmp visible to it.
CODE_IN_TMP = any(str(p).startswith("/tmp/") for p in (PYTHON, Path(__file__).resolve()))
CONFIG = Path("/etc/lobby-kiosk/kiosk.toml")
DATA = Path("/var/lib/lobby-kiosk")
ALL = {
    "kiosk-web.service",
    "kiosk-display.service",
    "kiosk-lobby.service",
    "kiosk-counter@.service",
    "kiosk-desk.service",
    "kiosk-backup.service",
    "kiosk-backup.timer",
}
TTY_UNITS = {"kiosk-display.service", "kiosk-lobby.service", "kiosk-counter@.service", "kiosk-desk.service"}
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "RestrictNamespaces": "yes",
    "CapabilityBoundingSet": "",
}


def settings(**values: object) -> Settings:
    return Settings(**{"data_dir": DATA, **values})


def request(**values: object) -> Request:
    return Request(**{"config": CONFIG, "python": PYTHON, **values})  # type: ignore[arg-type]


def units(s: Settings | None = None, **values: object) -> dict[str, Unit]:
    return {u.name: u for u in build_units(s or settings(), request(**values)).units}


def parse(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values in order]}}, comments left out."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


def one(unit: Unit, section: str, key: str) -> str:
    values = parse(unit.text)[section][key]
    assert len(values) == 1, (key, values)
    return values[0]


# ---------------------------------------------------------------------------------------------
# What the units say


def test_every_terminal_gets_its_unit_restarted_as_the_user_in_a_sandbox() -> None:
    made = units()
    assert set(made) == ALL
    for name, unit in made.items():
        assert unit.text.startswith("# Written by `kiosk setup systemd`")
        if name.endswith(".timer"):
            continue
        service = parse(unit.text)["Service"]
        assert service["User"] == ["kiosk"]
        assert service["Restart"] == ["on-failure"]
        assert service["RestartSec"]
        assert service["RestartPreventExitStatus"] == ["2"]  # a bad setting: no restart loop
        for key, value in HARDENING.items():
            if key == "PrivateTmp" and CODE_IN_TMP:  # a checkout in /tmp (a CI clone): it must see it
                value = "no"
            assert service[key] == [value], (name, key)
        assert service["ReadWritePaths"] == [str(DATA)]
        assert "RemoveIPC" not in service


def test_exec_start_runs_this_python_with_the_settings_file() -> None:
    made = units()
    expected = {
        "kiosk-web.service": "web --host 127.0.0.1 --port 8080",
        "kiosk-display.service": "display",
        "kiosk-lobby.service": "lobby",
        "kiosk-counter@.service": "counter --window=%I",
        "kiosk-desk.service": "admin",
        "kiosk-backup.service": "backup",
    }
    for name, args in expected.items():
        start = one(made[name], "Service", "ExecStart")
        assert start.startswith(f"{PYTHON} -I ")
        assert start.endswith(f" -m cli --config {CONFIG} {args}"), start


def test_terminals_on_consoles_own_their_tty_and_log_to_the_journal() -> None:
    made = units()
    ttys = {"kiosk-lobby.service": 1, "kiosk-display.service": 2, "kiosk-desk.service": 3}
    ttys["kiosk-counter@.service"] = 4
    for name in TTY_UNITS:
        unit = parse(made[name].text)
        tty = ttys[name]
        assert unit["Service"]["TTYPath"] == [f"/dev/tty{tty}"]
        assert unit["Service"]["StandardInput"] == ["tty"]
        assert unit["Service"]["StandardOutput"] == ["tty"]
        assert unit["Service"]["StandardError"] == ["tty"]  # Textual draws on standard error
        assert unit["Service"]["TTYReset"] == unit["Service"]["TTYVHangup"] == ["yes"]
        assert unit["Service"]["Environment"] == ["TERM=linux"]
        assert unit["Unit"]["Conflicts"] == [f"getty@tty{tty}.service"]
        assert f"getty@tty{tty}.service" in unit["Unit"]["After"][0]
        assert "PrivateDevices" not in unit["Service"]  # the console is a device
    lobby = parse(made["kiosk-lobby.service"].text)["Service"]
    assert lobby["SupplementaryGroups"] == ["audio"]  # speech
    web = parse(made["kiosk-web.service"].text)["Service"]
    assert web["PrivateDevices"] == web["ProtectClock"] == ["yes"]
    assert web["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6"]


def test_one_terminal_takes_the_console_it_is_given() -> None:
    made = units(terminals=("display",), tty=1)
    assert set(made) == {"kiosk-display.service"}
    assert one(made["kiosk-display.service"], "Service", "TTYPath") == "/dev/tty1"
    with pytest.raises(SetupRefused, match="--tty N gives one terminal"):
        units(terminals=("display", "lobby"), tty=1)
    with pytest.raises(SetupRefused, match="1 to 63"):
        units(terminals=("display",), tty=64)


def test_browser_lobby_is_chromium_under_cage_on_the_lobby_web_server() -> None:
    made = units(terminals=("lobby",), lobby="browser", cage=Path("/usr/bin/cage"))
    assert set(made) == {"kiosk-lobby.service", "kiosk-lobby-web.service"}
    screen = parse(made["kiosk-lobby.service"].text)
    assert screen["Unit"]["Requires"] == ["kiosk-lobby-web.service"]
    assert "kiosk-lobby-web.service" in screen["Unit"]["After"]
    assert screen["Unit"]["Conflicts"] == ["getty@tty1.service"]
    service = screen["Service"]
    assert service["PAMName"] == ["login"]
    assert service["TTYPath"] == ["/dev/tty1"]
    assert service["User"] == ["kiosk"]
    assert service["Restart"] == ["always"]  # Ctrl+W ends Chromium with exit 0
    start = service["ExecStart"][0]
    assert start.startswith("/usr/bin/cage -- ")
    assert " --kiosk " in start and start.endswith(" http://127.0.0.1:8000/")
    assert "NoNewPrivileges" not in service  # Chromium's sandbox
    server = parse(made["kiosk-lobby-web.service"].text)["Service"]
    assert server["ExecStart"][0].endswith("lobby --web --host 127.0.0.1 --port 8000")
    assert server["ExecStartPost"]  # active only once it answers
    assert made["kiosk-lobby.service"].enable and not made["kiosk-lobby-web.service"].enable


def test_backup_is_a_oneshot_on_a_nightly_timer_in_the_centres_time() -> None:
    made = units(settings(backup_dir=Path("/srv/kiosk-backups")), terminals=("backup",))
    service = parse(made["kiosk-backup.service"].text)["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["ReadWritePaths"] == [f"/srv/kiosk-backups {DATA}"]
    timer = parse(made["kiosk-backup.timer"].text)
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 02:30:00 Europe/Kyiv"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_folders_in_a_home_are_bind_mounted_and_temporary_ones_kept_visible(tmp_path: Path) -> None:
    made = units(
        settings(data_dir=Path("/home/centre/kiosk data")),
        config=tmp_path / "kiosk.toml",
        terminals=("web",),
        code=(Path("/root/.pyenv/versions/3.11.7"),),
    )
    service = parse(made["kiosk-web.service"].text)["Service"]
    assert service["ProtectHome"] == ["tmpfs"]
    assert service["BindPaths"] == ['"/home/centre/kiosk data"']
    assert service["BindReadOnlyPaths"] == ["-/root/.pyenv/versions/3.11.7"]
    assert service["PrivateTmp"] == ["no"]  # the settings file is in /tmp
    assert "ReadWritePaths" not in service


def test_a_web_port_below_1024_keeps_only_that_privilege() -> None:
    service = parse(units(terminals=("web",), port=80, host="0.0.0.0")["kiosk-web.service"].text)["Service"]
    assert service["AmbientCapabilities"] == service["CapabilityBoundingSet"] == ["CAP_NET_BIND_SERVICE"]
    assert service["ExecStart"][0].endswith("web --host 0.0.0.0 --port 80")


def test_the_printers_device_group_and_a_server_database_network() -> None:
    s = settings(printer_url="usb://04b8:0202", database_url="postgresql://kiosk@db.local/kiosk")
    setup = build_units(s, request(terminals=("lobby", "desk")))
    lobby = parse(setup.units[0].text)
    assert lobby["Service"]["SupplementaryGroups"] == ["audio lp"]
    assert lobby["Service"]["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"]
    assert lobby["Unit"]["Wants"] == ["network-online.target"]
    assert any('ATTR{idVendor}=="04b8"' in note for note in setup.notes)


# ---------------------------------------------------------------------------------------------
# What is refused


@pytest.mark.parametrize("name", ["Kiosk", "1kiosk", "ki osk", "kiosk\n", "k" * 33, "", "root", "kiosk;rm"])
def test_a_bad_user_name_is_refused(name: str) -> None:
    with pytest.raises(SetupRefused, match="--user") as raised:
        units(user=name)
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("data_dir", "/var/lib/lobby-kiosk\n[Service]\nExecStart=/bin/sh"),
        ("data_dir", '/var/lib/"kiosk"'),
        ("data_dir", "/var/lib/kiosk\\x20"),
        ("data_dir", "/var/lib/kiosk\u202e"),
        ("config", "/etc/lobby-kiosk/kiosk\n.toml"),
        ("python", "/opt/kiosk/bin/python\t3"),
    ],
)
def test_a_path_a_unit_cannot_hold_is_refused_never_written_otherwise(where: str, path: str) -> None:
    s, r = settings(), {}
    if where == "data_dir":
        s = settings(data_dir=Path(path))
    else:
        r = {where: Path(path)}
    with pytest.raises(SetupRefused, match="cannot safely hold"):
        build_units(s, request(**r))


def test_a_symlink_to_a_path_a_unit_cannot_hold_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data\nUser=root").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "data\nUser=root")
    with pytest.raises(SetupRefused, match="cannot safely hold '\\\\n'"):
        units(settings(data_dir=tmp_path / "link"))


@pytest.mark.parametrize("data_dir", ["/", "/var/lib", "/etc/kiosk", "/home", "/usr/local"])
def test_a_data_dir_that_would_open_the_system_is_refused(data_dir: str) -> None:
    with pytest.raises(SetupRefused, match="a folder of its own"):
        units(settings(data_dir=Path(data_dir)))


def test_settings_without_a_data_dir_or_with_a_relative_sqlite_file_are_refused() -> None:
    with pytest.raises(SetupRefused, match="sets no data_dir"):
        build_units(Settings(), request())
    with pytest.raises(SetupRefused, match="absolute path"):
        units(settings(database_url="sqlite:///kiosk.sqlite3"))


def test_bad_terminals_lobby_host_and_a_port_clash_are_refused() -> None:
    assert check_terminals("backup,web") == ("web", "backup")
    assert check_terminals("all") == ("web", "display", "lobby", "counter", "desk", "backup")
    with pytest.raises(SetupRefused, match="--terminals"):
        check_terminals("web,kitchen")
    with pytest.raises(SetupRefused, match="--lobby"):
        units(lobby="x11")
    with pytest.raises(SetupRefused, match="--host"):
        units(host="evil host\nUser=root")
    with pytest.raises(SetupRefused, match="browser lobby's own"):
        units(terminals=("web", "lobby"), lobby="browser", port=8000)


@pytest.mark.parametrize(
    "host",
    ["999.1.1.1", "256.0.0.1", "127.1", "1.2.3", "10", "kiosk.999", "-web.example", "web_1.example",
     "web..example", "[::1]", "a" * 64 + ".example", "a." * 126 + "ab", ""],
)  # fmt: skip
def test_a_host_kiosk_web_could_never_listen_on_is_refused(host: str) -> None:
    """Each would be written into the unit, and `kiosk web` fail at every start, restarted for ever."""
    with pytest.raises(SetupRefused, match=r"--host .*: expected an IP address") as raised:
        units(terminals=("web",), host=host)
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "0.0.0.0", "::", "::1", "192.168.1.20", "localhost", "kiosk-web.centre.example", "a" * 63],
)
def test_addresses_and_host_names_are_taken(host: str) -> None:
    service = parse(units(terminals=("web",), host=host)["kiosk-web.service"].text)["Service"]
    assert service["ExecStart"][0].endswith(f"web --host {host} --port 8080")


def test_the_command_refuses_a_bad_host_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import main

    config = tmp_path / "kiosk.toml"
    config.write_text('data_dir = "/var/lib/lobby-kiosk"\n', encoding="utf-8")
    folder = tmp_path / "units"
    folder.mkdir()
    args = ["setup", "systemd", "--config", str(config), "--dir", str(folder), "--host", "999.1.1.1"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("kiosk: --host '999.1.1.1': expected an IP address")
    assert list(folder.iterdir()) == []


def test_spaces_percent_and_dollar_are_quoted_and_escaped() -> None:
    config = Path("/srv/центр 1/100% $HOME.toml")
    made = units(settings(data_dir=Path("/srv/кіоск дані")), config=config, terminals=("web",))
    service = parse(made["kiosk-web.service"].text)["Service"]
    assert '--config "/srv/центр 1/100%% $$HOME.toml" web' in service["ExecStart"][0]
    assert service["ReadWritePaths"] == ['"/srv/кіоск дані"']


# ---------------------------------------------------------------------------------------------
# Writing


def test_files_are_written_0644_atomically_and_an_unchanged_run_changes_nothing(tmp_path: Path) -> None:
    made = list(units().values())
    old = os.umask(0o077)
    try:
        written = write_units(tmp_path, made)
    finally:
        os.umask(old)
    assert {status for _, status in written} == {"written"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(ALL)  # no temporary file left
    for unit in made:
        path = tmp_path / unit.name
        assert path.read_text(encoding="utf-8") == unit.text
        assert path.stat().st_mode & 0o777 == 0o644
    before = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    assert {status for _, status in write_units(tmp_path, made)} == {"unchanged"}
    assert {p.name: p.stat().st_ino for p in tmp_path.iterdir()} == before


def test_a_differing_file_is_replaced_only_with_force_and_nothing_else_is_written(tmp_path: Path) -> None:
    made = list(units(terminals=("web", "display")).values())
    (tmp_path / "kiosk-display.service").write_text("[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    with pytest.raises(KioskError, match="--force") as raised:
        write_units(tmp_path, made)
    assert raised.value.exit_code == 1
    assert not (tmp_path / "kiosk-web.service").exists()
    assert "ExecStart=/bin/true" in (tmp_path / "kiosk-display.service").read_text(encoding="utf-8")
    statuses = dict(write_units(tmp_path, made, force=True))
    assert statuses[tmp_path / "kiosk-display.service"] == "written"
    assert (tmp_path / "kiosk-display.service").read_text(encoding="utf-8") == made[1].text
    with pytest.raises(SetupRefused, match="no such folder"):
        write_units(tmp_path / "missing", made)


def test_next_commands_make_the_user_and_folder_then_enable_the_units(tmp_path: Path) -> None:
    r = request()
    setup = build_units(settings(), r)
    commands = next_commands(setup, r, Path("/etc/systemd/system"), user_exists=False)
    assert commands[0].startswith("sudo useradd --system --user-group --home-dir /var/lib/lobby-kiosk ")
    assert commands[0].endswith(" kiosk")
    assert f"sudo install -d -o kiosk -m 0700 {DATA}" in commands
    assert f"sudo -u kiosk {PYTHON} -I -m cli --config {CONFIG} init" in commands
    assert commands[-2:] == [
        "sudo systemctl daemon-reload",
        "sudo systemctl enable --now kiosk-web kiosk-display kiosk-lobby kiosk-desk kiosk-backup.timer",
    ]
    elsewhere = next_commands(setup, r, tmp_path, user_exists=True)
    assert not any("useradd" in c for c in elsewhere)
    assert any(c.startswith("sudo install -m 0644 -t /etc/systemd/system ") for c in elsewhere)


# ---------------------------------------------------------------------------------------------
# systemd-analyze verify, and the command itself


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if in_ci():
            pytest.fail("systemd-analyze is missing: .ci/run installs the systemd package")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    return found


# What verify may say about a machine that is not a kiosk: the browser lobby's programs missing.
# (It says nothing of a User= that does not exist.)
MISSING_PROGRAM = re.compile(
    r"kiosk-lobby\.service: Command (/\S+) is not executable: No such file or directory"
)


def verify(folder: Path) -> None:
    files = sorted(str(p) for p in folder.iterdir())
    result = subprocess.run(
        [systemd_analyze(), "verify", "--man=no", "--recursive-errors=no", *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=folder,
    )
    problems, tolerated = [], 0
    for line in (result.stdout + result.stderr).splitlines():
        missing = MISSING_PROGRAM.search(line)
        if missing and Path(missing[1]).name in ("cage", "chromium") and not Path(missing[1]).exists():
            tolerated += 1
            continue
        problems.append(line)
    assert not problems, "\n".join(problems)
    assert result.returncode == 0 or tolerated, result


def test_verify_catches_a_bad_unit(tmp_path: Path) -> None:
    """The check above bites: an unescaped % (a systemd specifier) is a fatal error."""
    (tmp_path / "bad.service").write_text("[Service]\nExecStart=/bin/true /srv/100%Q\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="specifiers"):
        verify(tmp_path)


def test_systemd_analyze_verifies_every_unit(tmp_path: Path) -> None:
    for folder, s, values in [
        ("tty", settings(), {}),
        ("browser", settings(), {"lobby": "browser", "terminals": ("lobby", "web"), "port": 443}),
        (
            "odd paths",
            settings(data_dir=Path("/srv/кіоск дані %Q"), printer_url="preview:///home/op er/tickets"),
            {"config": Path("/srv/центр 1/100%Q $HOME;x.toml"), "code": (Path("/root/py 3"),)},
        ),
    ]:
        (tmp_path / folder).mkdir()
        write_units(tmp_path / folder, build_units(s, request(**values)).units)
        verify(tmp_path / folder)


def test_the_command_writes_the_units_and_prints_the_next_commands(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    folder = tmp_path / "units"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    command = [str(KIOSK), "--json", "setup", "systemd", "--config", str(config), "--dir", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {f["unit"] for f in report["files"]} == ALL
    assert {f["status"] for f in report["files"]} == {"written"}
    assert any(c.startswith("sudo systemctl enable --now kiosk-web ") for c in report["commands"])
    web = (folder / "kiosk-web.service").read_text(encoding="utf-8")
    command = next(line for line in web.splitlines() if line.startswith("ExecStart="))
    python, *args = command.removeprefix("ExecStart=").split()
    assert Path(python).parent == PYTHON.parent and Path(python).name.startswith("python")  # this venv's
    assert args[:7] == ["-I", "-u", "-m", "cli", "--config", str(config), "web"]
    assert f"ReadWritePaths={tmp_path / 'data'}" in web
    verify(folder)

    again = subprocess.run(
        [str(KIOSK), "setup", "systemd", "--dir", str(folder), "--terminals", "web", "--port", "8081"],
        capture_output=True,
        text=True,
        env={**env, "KIOSK_CONFIG": str(config)},
        timeout=60,
        check=False,
    )
    assert again.returncode == 1
    assert "nothing was written (--force replaces them)" in again.stderr
    assert "Traceback" not in again.stderr

    bare = subprocess.run(
        [str(KIOSK), "setup", "systemd", "--dir", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bare.returncode == 2
    assert bare.stderr.startswith("kiosk: kiosk setup systemd needs the centre's settings file")


def test_the_services_get_the_files_settings_alone_and_no_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In this process (fast): $KIOSK_DATA_DIR is not what the services will see, so the file's
    data_dir goes into the units and a note says the variable was left out; --db is refused."""
    from cli import main

    config = tmp_path / "kiosk.toml"
    config.write_text('data_dir = "/var/lib/lobby-kiosk"\n', encoding="utf-8")
    folder = tmp_path / "units"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "elsewhere"))
    args = ["setup", "systemd", "--config", str(config), "--dir", str(folder), "--terminals", "web"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"written   {folder / 'kiosk-web.service'}\n\nnext:\n")
    assert "  sudo systemctl enable --now kiosk-web\n" in out
    assert "note: $KIOSK_DATA_DIR left out" in out
    assert "ReadWritePaths=/var/lib/lobby-kiosk\n" in (folder / "kiosk-web.service").read_text("utf-8")

    assert main([*args, "--db", "postgresql://kiosk:secret@db/kiosk"]) == 2
    assert "unit files are readable by everyone" in capsys.readouterr().err
    monkeypatch.delenv("KIOSK_DATA_DIR")
    config.write_text('centre_name = "No data_dir"\n', encoding="utf-8")
    assert main(args) == 2
    assert "sets no data_dir" in capsys.readouterr().err
