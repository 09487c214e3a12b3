"""Speech: one utterance after another in the order asked, in each language, through espeak-ng
writing WAV files (the stand-in for the sound device, at the very last step only)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from kiosk.presentation.speech import Speaker, Utterance
from tests.conftest import needs_tool

needs_espeak = needs_tool("espeak-ng")


@needs_espeak
def test_utterances_are_spoken_in_order_without_overlap(tmp_path: Path) -> None:
    spoken: list[Utterance] = []
    speaker = Speaker(output=tmp_path, on_spoken=spoken.append)
    lines = [("uk", "Талон P 7, вікно 6"), ("en", "Ticket P 7, window 6"), ("vi", "Số P 7, quầy 6")]
    for lang, text in lines:
        speaker.say(text, lang)
    speaker.wait()
    speaker.close()
    assert [(u.lang, u.text) for u in spoken] == lines
    files = sorted(tmp_path.glob("*.wav"))
    assert [f.name for f in files] == ["0001-uk.wav", "0002-en.wav", "0003-vi.wav"]
    for path in files:
        with wave.open(str(path)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5, path.name


def test_missing_espeak_is_silent_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    speaker = Speaker(enabled=True, output=tmp_path)
    speaker.say("hello", "en")
    assert not speaker.available and list(tmp_path.iterdir()) == []
    assert "espeak-ng is not installed" in caplog.text
    assert Speaker(enabled=False).available is False


@needs_espeak
def test_hush_drops_what_is_not_yet_spoken(tmp_path: Path) -> None:
    """A visitor's next key stops the last answer: what was queued and not begun is dropped, the
    words asked for after it are spoken, and the WAV being written is finished."""
    import threading

    first_done, go_on = threading.Event(), threading.Event()
    spoken: list[Utterance] = []

    def heard(item: Utterance) -> None:
        spoken.append(item)
        if len(spoken) == 1:  # hold the worker here: the other two wait in the queue
            first_done.set()
            go_on.wait(10)

    speaker = Speaker(output=tmp_path, on_spoken=heard)
    for text in ("Перший", "Другий", "Третій"):
        speaker.say(text, "uk")
    assert first_done.wait(10)
    speaker.hush()
    speaker.say("Choice 2", "en")
    go_on.set()
    speaker.wait()
    assert speaker.idle
    speaker.close()
    assert spoken == [Utterance("Перший", "uk"), Utterance("Choice 2", "en")]
    assert [f.name for f in sorted(tmp_path.glob("*.wav"))] == ["0001-uk.wav", "0002-en.wav"]
