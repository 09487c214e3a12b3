"""Settings and catalogue files: good ones load, and every broken one names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.languages import LANGUAGES
from kiosk.errors import ConfigError
from kiosk.paths import bundled_data

CATALOGUE = bundled_data() / "catalogue.toml"


def test_shipped_catalogue_is_complete() -> None:
    catalogue = load_catalogue(CATALOGUE)
    codes = {d.code for d in catalogue.department}
    assert {"social-policy", "pensions", "employment", "home-care", "family", "homeless"} <= codes
    assert {"insurance", "psychology", "info"} <= codes
    assert {p.code for p in catalogue.priority} == {
        "disability",
        "veteran",
        "aged-80",
        "pregnant",
        "bereaved",
    }
    for dept in catalogue.department:
        assert [str(p) for p in dept.hours] in (["08:00-14:00", "14:00-20:00"], ["08:00-20:00"])
        for lang in LANGUAGES:
            assert dept.name(lang).strip()
            for service in dept.service:
                assert service.name(lang).strip() and service.hint(lang).strip()


def test_defaults_and_env_overrides(tmp_path: Path) -> None:
    settings = load_settings(environ={"KIOSK_DATA_DIR": str(tmp_path)})
    assert settings.db_url == f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    assert settings.printer == f"preview://{tmp_path / 'tickets'}"
    env = {"KIOSK_DATABASE_URL": "postgresql://x@h/db", "KIOSK_PRINTER": "tcp://10.0.0.5:9100"}
    settings = load_settings(environ=env)
    assert (settings.db_url, settings.printer) == ("postgresql://x@h/db", "tcp://10.0.0.5:9100")
    assert load_settings(database_url="sqlite:///x.db", environ=env).db_url == "sqlite:///x.db"


def test_relative_paths_are_taken_from_the_config_folder(tmp_path: Path) -> None:
    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "state"\ncatalogue = "cat.toml"\ncentre_name = "Lutsk"\n')
    settings = load_settings(config, environ={})
    assert settings.data_dir == tmp_path / "state"
    assert settings.catalogue_path == tmp_path / "cat.toml"
    assert load_settings(environ={"KIOSK_CONFIG": str(config)}).centre_name == "Lutsk"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("paper_width = ", "not valid TOML"),
        ('paper_width = "wide"', "paper_width"),
        ("paper_width = 10", "paper_width: Input should be greater than or equal to 200"),
        ('timezone = "Mars/Olympus"', "timezone: expected an IANA time zone"),
        ('colour = "red"', "colour: unknown key"),
        ('languages = ["en", "de"]', "languages[2]"),
        ('main_language = "xx"', "main_language"),
    ],
)
def test_bad_settings_name_file_and_key(tmp_path: Path, content: str, expected: str) -> None:
    config = tmp_path / "centre.toml"
    config.write_text(content + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert str(config) in message and expected in message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE.read_text()
    assert old in text, old
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('prefix = "P"', 'prefix = "S"', "department[3].prefix: prefix 'S' is used twice"),
        ('prefix = "P"', 'prefix = "p7"', "department[3].prefix: String should match pattern"),
        ('code = "pension-new"', 'code = "housing-subsidy"', "code 'housing-subsidy' is used twice"),
        ('"pension-new", ', '"pension-nova", ', "unknown service 'pension-nova'"),
        ('hours = ["08:00-14:00", "14:00-20:00"]', 'hours = ["14:00-20:00", "08:00-14:00"]', "overlap"),
        ('hours = ["08:00-14:00", "14:00-20:00"]', 'hours = ["8 till 2"]', "hours[1]"),
        ('last_ticket = "19:30"', 'last_ticket = "21:30"', "last_ticket: 21:30 is outside the hours"),
        ("once_per_day = true", "once_per_day = 3", "priority[1].once_per_day"),
        ('days = ["mon"', 'days = ["monday"', "days[1]"),
    ],
)
def test_bad_catalogue_names_file_and_key(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_catalogue(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_missing_translation_is_refused(tmp_path: Path) -> None:
    import re

    text = CATALOGUE.read_text()
    first_name = re.search(r"^name = \{.*\}$", text, re.M)
    assert first_name
    without_uk = re.sub(r'uk = "[^"]*", ', "", first_name.group(0), count=1)
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(first_name.group(0), without_uk, 1))
    with pytest.raises(ConfigError, match=r"priority\[1\]\.name\.uk: required key is missing"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [('windows = ["3", "4", "5"]', 'windows = ["3", "4", "3"]')],
            "department[2].windows[3]: window '3' is listed twice",
        ),
        (
            [('windows = ["1", "2"]', 'windows = ["a", "A"]')],
            "department[1].windows[2]: window 'A' differs from 'a' (department[1].windows[1]) only by case",
        ),
        (
            [
                ('windows = ["1", "2"]', 'windows = ["1", "b"]'),
                ('windows = ["3", "4", "5"]', 'windows = ["3", "B", "5"]'),
            ],
            "department[2].windows[2]: window 'B' differs from 'b' (department[1].windows[2]) only by case",
        ),
        (
            [('en = "Pensions"', 'en = "Pensions\\u001b"')],
            "department[3].name.en: control or format characters",
        ),
        ([('uk = "Пенсії"', 'uk = "Пенсії\\u202e"')], "department[3].name.uk: control or format characters"),
        (
            [('en = "Pensions"', 'en = "Pen\\u200bsions"')],
            "department[3].name.en: control or format characters",
        ),
        ([('en = "Pensions"', 'en = "   "')], "department[3].name.en: must not be blank"),
        ([('en = "Pensions"', 'en = ""')], "department[3].name.en: String should have at least 1 character"),
        (
            [('en = "Pensions"', 'en = " Pensions"')],
            "department[3].name.en: must not start or end with spaces",
        ),
        ([('ro = "Pensii"', 'ro = "Pensii\\t"')], "department[3].name.ro: control or format characters"),
        (
            [('en = "First pension, or', 'en = "\\u0007First pension, or')],
            "department[3].service[1].hint.en: control or format characters",
        ),
        ([('en = "Aged 80 or over"', 'en = "\\u00a0"')], "priority[3].name.en: must not be blank"),
    ],
)
def test_catalogue_refuses_bad_windows_and_text(
    tmp_path: Path, changes: list[tuple[str, str]], expected: str
) -> None:
    text = CATALOGUE.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "catalogue.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_catalogue(path)
    assert expected in str(caught.value)
    assert len(caught.value.problems) == 1, caught.value.problems


def test_one_window_may_serve_several_departments(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'windows = ["3", "4", "5"]', 'windows = ["3", "4", "5", "6"]')
    catalogue = load_catalogue(path)
    assert catalogue.departments_of_window("6") == ["social-policy", "pensions"]


def test_demo_configuration_loads_with_the_shipped_catalogue() -> None:
    settings = load_settings(bundled_data() / "demo.toml", environ={})
    assert load_catalogue(settings.catalogue_path).department
