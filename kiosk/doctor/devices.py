"""The checks of `kiosk doctor` on devices: the ticket printer answers its status query, and espeak-ng
has a voice for every language the kiosk speaks."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from kiosk.config import Settings
from kiosk.doctor.base import Check, PrinterProbe, fail, note, ok
from kiosk.errors import clipped
from kiosk.presentation.speech import VOICES
from kiosk.printer_url import parse_printer_url

PRINTER_FIXES = {
    "offline": "look at the printer: it says it is offline (an error light, paper being fed);"
    " switch it off and on",
    "paper_out": "load a new paper roll",
    "cover_open": "close the printer's cover",
    "refused": "switch the printer on and check its network cable, and that printer_url names it"
    " (host and port)",
    "timeout": "check that the printer is on and reachable there; one that never answers status queries"
    " needs file:// (README, Printing)",
    "not_found": "plug the printer in and check printer_url (the USB VID:PID or the serial device)",
    "disconnected": "check the printer's cable or network: the connection dropped",
    "error": "switch the printer off and on, and look for a paper jam",
    "bad_url": "correct printer_url (or $KIOSK_PRINTER)",
}
INSTALL_ESPEAK = "apt install espeak-ng"


def check_printer(url: str, probe: PrinterProbe, timeout: float) -> Check:
    """Devices that answer are asked for their status; a preview printer and a device file cannot."""
    spec = parse_printer_url(url)  # checked when the settings loaded
    if spec.scheme == "preview":
        return note("printer", f"preview printer: tickets are written as files to {spec.target}")
    if spec.scheme == "file":
        path = Path(spec.target)
        if not path.exists():
            return fail("printer", f"{url}: there is no {path}", PRINTER_FIXES["not_found"])
        return note("printer", f"{url}: a device file; it cannot tell paper or cover")
    answer = probe(url, timeout)
    if answer is None:
        return ok("printer", f"{url}: answers, online, paper loaded, cover closed")
    reason, message = answer
    return fail(
        "printer", f"{url}: {message}", PRINTER_FIXES.get(reason, "check the printer and printer_url")
    )


def needed_languages(settings: Settings) -> list[str]:
    """The visitor's languages (the kiosk's Read aloud and spoken guidance speak them whatever the
    `speech` setting), and with `speech` the hall's announcement languages too."""
    wanted = [*settings.announce_languages, *settings.languages] if settings.speech else settings.languages
    return list(dict.fromkeys(str(lang) for lang in wanted))


def espeak_voices(program: str, environ: Mapping[str, str]) -> set[str]:
    """The languages and voice files `espeak-ng --voices` lists (it honours $ESPEAK_DATA_PATH)."""
    result = subprocess.run(
        [program, "--voices"], capture_output=True, timeout=5, env=dict(environ), check=False
    )
    if result.returncode:
        said = result.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        raise RuntimeError(f"espeak-ng --voices failed: {said[0]}")
    voices: set[str] = set()
    for line in result.stdout.decode(errors="replace").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            voices.add(parts[1])
            voices.add(parts[4].rsplit("/", 1)[-1])
    return voices


def check_voices(settings: Settings, program: str | None, environ: Mapping[str, str]) -> Check:
    """A voice for each needed language. With `speech` off a gap is a note: only the kiosk's Read
    aloud and spoken guidance would miss it (a counter's machine needs no voices)."""
    languages = needed_languages(settings)
    gap = fail if settings.speech else note
    why = "" if settings.speech else "speech is off, but the kiosk's Read aloud and guidance speak: "
    data = environ.get("ESPEAK_DATA_PATH")
    data_fix = f" (ESPEAK_DATA_PATH={data} is set: check that folder, or unset it)" if data else ""
    if program is None:
        return gap("voices", f"{why}espeak-ng is not installed", INSTALL_ESPEAK)
    try:
        voices = espeak_voices(program, environ)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return gap("voices", f"{why}{clipped(str(exc))}", f"apt install --reinstall espeak-ng{data_fix}")
    missing = [lang for lang in languages if VOICES.get(lang, lang) not in voices]
    if missing:
        listed = ", ".join(
            lang if VOICES.get(lang, lang) == lang else f"{lang} ({VOICES[lang]})" for lang in missing
        )
        detail = f"{why}espeak-ng has no voice for {listed}"
        return gap("voices", detail, f"apt install espeak-ng espeak-ng-data{data_fix}")
    said = ", ".join(VOICES.get(lang, lang) for lang in languages)
    return ok("voices", f"espeak-ng has a voice for each language spoken: {said}")
