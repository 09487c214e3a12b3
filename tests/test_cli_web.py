"""`kiosk token add|list|revoke` (an administrator's command; the token shown once, kept as a hash),
`kiosk issue --json` giving the URL QR with `public_url`, and `kiosk web` serving the API."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from tests import test_cli
from tests.test_cli import ADMIN, fail, run, run_json, write_config

# The fixtures of tests/test_cli.py: a clean environment, and an initialised centre with Olena signed in.
env, initialised_data, ready = test_cli.env, test_cli.initialised_data, test_cli.ready


def test_tokens_are_made_by_an_administrator_shown_once_and_kept_hashed(
    ready: dict[str, str], tmp_path: Path
) -> None:
    nobody = {k: v for k, v in ready.items() if k not in ("KIOSK_STAFF", "KIOSK_PIN")}
    assert "is a staff action" in fail("token", "add", "crm", env=nobody)
    made = run_json("token", "add", "crm", "--scope", "issue", env=ready)
    assert made["name"] == "crm" and made["scope"] == "issue" and made["token"].startswith("kt_")
    text = run("token", "add", "dashboard", env=ready).stdout
    assert "shown this once" in text and "kt_" in text
    listed = run_json("token", "list", env=ready)
    assert [(t["name"], t["scope"], t["created_by"], t["revoked_at"]) for t in listed] == [
        ("crm", "issue", "Olena", None),
        ("dashboard", "read", "Olena", None),
    ]
    assert made["token"] not in str(listed)
    database = tmp_path / "data" / "kiosk.sqlite3"
    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT token_hash FROM api_tokens WHERE name = 'crm'").fetchone()[0]
    assert stored == hashlib.sha256(made["token"].encode()).hexdigest()
    assert made["token"].encode() not in database.read_bytes()
    assert run("token", "revoke", "crm", env=ready).stdout == "API token crm revoked\n"
    assert "revoked already" in fail("token", "revoke", "crm", env=ready)
    assert "no API token called 'nobody'" in fail("token", "revoke", "nobody", env=ready)
    assert "exists already" in fail("token", "add", "crm", env=ready)
    assert run_json("token", "list", env=ready)[0]["revoked_at"] is not None
    with sqlite3.connect(database) as db:
        events = db.execute(
            "SELECT kind, staff, data FROM events WHERE kind LIKE 'token_%' ORDER BY id"
        ).fetchall()
    assert [(kind, staff) for kind, staff, _ in events] == [
        ("token_added", "Olena"),
        ("token_added", "Olena"),
        ("token_revoked", "Olena"),
    ]
    assert all("kt_" not in data for _, _, data in events)


def test_issue_json_gives_the_url_qr(tmp_path: Path, ready: dict[str, str]) -> None:
    config = write_config(tmp_path, 'public_url = "http://10.0.0.5:8080"\n', name="phone.toml")
    with_url = {**ready, "KIOSK_CONFIG": str(config)}
    data = run_json("issue", "pension-new", "--no-print", env=with_url)
    assert data["qr"].startswith("HTTP://10.0.0.5:8080/T/K1:")
    assert run_json("scan", data["qr"], env=with_url)["number"] == data["number"]
    plain = run_json("issue", "pension-new", "--no-print", env=ready)
    assert plain["qr"].startswith("K1:")


def test_kiosk_web_serves_the_api(ready: dict[str, str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = run_json("token", "add", "dashboard", env=ready)["token"]
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "web", "--host", "127.0.0.1", "--port", str(port)],
        env=ready,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answer = None
        for _ in range(200):
            try:
                answer = httpx2.get(
                    f"http://127.0.0.1:{port}/api/v1/queue", headers={"Authorization": f"Bearer {token}"}
                )
                break
            except httpx2.TransportError:
                time.sleep(0.05)
        assert answer is not None and answer.status_code == 200, "kiosk web did not answer"
        assert {d["code"] for d in answer.json()["departments"]} >= {"pensions", "employment"}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert "Traceback" not in output
    assert "ADMIN" not in output and ADMIN["KIOSK_PIN"] not in output
