"""The wheel holds only what a centre runs: built from this checkout (hatchling, offline), it carries
the five shipped packages, the data and the installer's tools, and no test or benchmark code;
installed into a fresh environment, `kiosk` works and `kiosk bench` says it runs from a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from cli.checkout import BENCH_NEEDS_CHECKOUT

ROOT = Path(__file__).resolve().parents[1]
HARNESS_NAMES = {"loadgen", "loopback", "decode", "soak", "bench", "terminals", "harness"}


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
        ROOT, "-w", out, cwd=out,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("lobby_kiosk-*.whl")
    return built


def harness_in(names: list[str]) -> list[str]:
    """The wheel's entries that are test or benchmark code, judged by their path."""
    return [n for n in names if HARNESS_NAMES & {p.removesuffix(".py") for p in PurePosixPath(n).parts}]


def test_the_wheel_holds_the_product_and_no_harness(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {
        "cli",
        "kiosk",
        "printer",
        "screens",
        "web",
        "lobby_kiosk-0.1.0.dist-info",
    }
    assert harness_in(names) == []
    for data in (
        "catalogue.toml", "fonts/DejaVuSans.ttf", "locale/uk/LC_MESSAGES/kiosk.po",
        # the web kiosk's page, script and font with its licence (nothing is fetched elsewhere)
        "web/templates/app_index.html", "web/static/kiosk.js", "web/static/fonts/NotoSansMono-Regular.woff2",
        "web/static/fonts/NotoSansMono-Bold.woff2", "web/static/fonts/LICENSE-NotoSansMono.txt",
        # the visitor's ticket page (kiosk web, /t/<token>)
        "web/phone/index.html", "web/phone/phone.js", "web/phone/phone.css",
        "web/phone/fonts/DejaVuSans.woff2", "web/phone/fonts/LICENSE-DejaVuSans.txt",
    ):  # fmt: skip
        assert f"kiosk/data/{data}" in names
    # the installer's tools: `kiosk print-test` and what it prints with
    assert "def cmd_print_test(" in zipfile.ZipFile(wheel).read("cli/centre.py").decode()
    assert {"printer/printing.py", "printer/transports.py", "cli/checkout.py"} <= set(names)


def test_the_harness_check_sees_what_it_must_keep_out() -> None:
    """The name check above is not blind: the old places of the harness are all caught."""
    old = ["kiosk/loadgen.py", "kiosk/cli/bench.py", "kiosk/cli/soak.py", "printer/loopback.py",
           "printer/decode.py", "screens/lobby/bench.py", "bench/terminals.py",
           "harness/__init__.py"]  # fmt: skip
    assert harness_in([*old, "cli/centre.py", "printer/printing.py"]) == old


@pytest.mark.slow
def test_installed_wheel_runs_and_sends_bench_to_a_checkout(wheel: Path, tmp_path: Path) -> None:
    """A fresh virtual environment holds the wheel alone; the dependencies come from this one's
    site-packages by a path line (which, unlike a site folder, does not run this checkout's editable
    .pth), so nothing of the checkout is importable there."""
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    installed = run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel,
        cwd=tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
    (Path(site.stdout.strip()) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    for name in ("KIOSK_CONFIG", "KIOSK_DATABASE_URL", "PYTHONPATH"):
        env.pop(name, None)

    where = run(python, "-c", "import kiosk; print(kiosk.__file__)", cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    for module in ("bench", "harness"):
        missing = run(python, "-c", f"import {module}", cwd=tmp_path, env=env)
        assert f"No module named '{module}'" in missing.stderr

    kiosk = venv / "bin" / "kiosk"
    helped = run(kiosk, "--help", cwd=tmp_path, env=env)
    assert helped.returncode == 0 and "print-test" in helped.stdout and "bench" in helped.stdout
    bench = run(kiosk, "bench", "--quick", "--pg", "none", cwd=tmp_path, env=env)
    assert (bench.returncode, bench.stdout, bench.stderr) == (2, "", f"kiosk: {BENCH_NEEDS_CHECKOUT}\n")

    assert run(kiosk, "init", cwd=tmp_path, env=env).returncode == 0
    printed = run(kiosk, "print-test", cwd=tmp_path, env=env)
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert printed.stdout.count(": printed on preview://") == 7
