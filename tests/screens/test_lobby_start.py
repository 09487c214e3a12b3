"""The lobby kiosk draws its first frame before it opens the database (`TerminalApp.service` given
its opener), then opens it off the UI thread; a database that does not open stops the kiosk with
its reason and a non-zero code, for the launcher to say and the supervisor to restart it."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

import kiosk.runtime
from kiosk.errors import StorageUnavailable
from screens.lobby.app import create_app
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen
from tests.screens.conftest import Centre, tap
from tests.screens.test_lobby import SIZE, until


async def test_the_first_frame_comes_before_the_database_opens(
    centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> None:
    may_open, opened = threading.Event(), threading.Event()
    real_open = kiosk.runtime.open_service

    def slow_open(*args: Any, **kwargs: Any) -> Any:
        may_open.wait(10)  # a slow database: the kiosk must not wait for it to be seen
        service = real_open(*args, **kwargs)
        opened.set()
        return service

    monkeypatch.setattr(kiosk.runtime, "open_service", slow_open)
    app = create_app(centre.settings, clock=centre.clock, speech_output=centre.tmp / "speech")
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, lambda: isinstance(app.screen, LanguageScreen) and bool(app.screen.query("Button"))
        )
        await pilot.pause(0.3)
        assert not opened.is_set() and app._service is None, "drawn, and nothing opened yet"
        may_open.set()
        await until(pilot, lambda: bool(app.openings))  # opened off the UI thread; the openings read
        assert app.service.catalogue.department, "the service the app opened, on the settings' database"
        await tap(pilot, "#lang-en")
        await until(pilot, lambda: isinstance(app.screen, NeedScreen))
    assert app.startup_error is None


async def test_a_database_that_does_not_open_stops_the_kiosk_with_its_reason(centre: Centre) -> None:
    with socket.socket() as sock:  # a port on 127.0.0.1 that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = centre.settings.model_copy(
        update={"database_url": f"postgresql://kiosk@127.0.0.1:{port}/kiosk"}
    )
    app = create_app(settings, speech_output=centre.tmp / "speech")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.startup_error is not None or not app.is_running)
    assert isinstance(app.startup_error, StorageUnavailable)
    assert "Connection refused" in str(app.startup_error)
    assert app.return_code == 3


def test_a_sqlite_file_that_would_be_refused_is_refused_before_any_screen(tmp_path: Path) -> None:
    from kiosk.storage.sqlite_file import preflight

    missing = tmp_path / "none.sqlite3"
    with pytest.raises(StorageUnavailable, match="not ready \\(an empty database\\): run `kiosk init`"):
        preflight(f"sqlite:///{missing}")
    assert not missing.exists(), "looked at, never made"
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database at all, but long enough to be taken for one\n")
    with pytest.raises(StorageUnavailable, match="is damaged or is not a SQLite database"):
        preflight(f"sqlite:///{text}")
    with pytest.raises(StorageUnavailable, match="is not a regular file"):
        preflight(f"sqlite:///{tmp_path}")
    preflight(f"postgresql://kiosk@127.0.0.1:{1}/kiosk")  # a server: left to the opening
