"""Where things live: the bundled data folder (in the repo or the wheel) and the user's data dir."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

_HERE = Path(__file__).resolve().parent


def bundled_data() -> Path:
    """`data/` at the top of a checkout, or `kiosk/data` inside an installed wheel."""
    for candidate in (_HERE / "data", _HERE.parent / "data"):
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError("the bundled data folder (catalogue.toml) is missing from this install")


def expanded(text: str) -> Path:
    """A path as typed, with `~` and `~user` expanded as a shell does; `~name` of no such user stays
    as typed, as a shell leaves it (pathlib would raise RuntimeError)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def default_data_dir() -> Path:
    """The per-user folder for the SQLite database, the QR secret and preview tickets."""
    return user_data_path("lobby-kiosk", appauthor=False)
