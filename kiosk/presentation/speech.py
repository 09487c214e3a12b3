"""Speech with espeak-ng: one queue and one worker thread, so announcements never overlap and keep
their order. Where espeak-ng is missing the terminals work silently and say so once in the log."""

from __future__ import annotations

import io
import logging
import math
import queue
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.presentation.voice_words import for_voice

log = logging.getLogger(__name__)

VOICES = {"en": "en-gb", "uk": "uk", "ru": "ru", "tr": "tr", "ro": "ro", "ms": "ms", "vi": "vi"}


CHIME = "__chime__"


@dataclass(frozen=True)
class Utterance:
    """Words in a language, or the chime (`lang == CHIME`)."""

    text: str
    lang: str


def chime_wav(rate: int = 22050) -> bytes:
    """A soft two-note chime (E5 then C5), about 0.9 s, as WAV bytes."""
    frames = bytearray()
    for frequency, seconds in ((659.25, 0.4), (523.25, 0.5)):
        count = int(rate * seconds)
        for i in range(count):
            fade = min(1.0, i / 400) * (1 - i / count) ** 2
            frames += struct.pack("<h", int(12000 * fade * math.sin(2 * math.pi * frequency * i / rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


class Speaker:
    """`say()` returns at once; a worker speaks each utterance in turn.

    `output` None plays on the sound device (espeak-ng's own audio); a folder writes numbered WAV
    files instead (tests, and machines without a sound card). `on_spoken` is called after each
    utterance, in the worker thread.
    """

    def __init__(
        self,
        enabled: bool = True,
        output: Path | None = None,
        rate: int = 150,
        on_spoken: Callable[[Utterance], None] | None = None,
    ) -> None:
        self.program = shutil.which("espeak-ng") if enabled else None
        self.output = output
        self.rate = rate
        self.on_spoken = on_spoken
        self.spoken = 0
        self._queue: queue.Queue[Utterance | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._playing: subprocess.Popen[bytes] | None = None
        if enabled and self.program is None:
            log.warning("espeak-ng is not installed: speech is off (apt-get install espeak-ng)")

    @property
    def available(self) -> bool:
        return self.program is not None

    def chime(self) -> None:
        """Queue the chime (before an announcement)."""
        if self.available:
            self.say(CHIME, CHIME)

    def say(self, text: str, lang: str) -> None:
        if not self.available or not text.strip():
            return
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="speech", daemon=True)
            self._worker.start()
        self._queue.put(Utterance(text, lang))

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being spoken."""
        return self._queue.unfinished_tasks == 0

    def hush(self) -> None:
        """Drop what is queued and not begun, and stop the words being played now (a visitor who
        presses the next key does not wait for the last answer to end). A WAV being written is
        finished: a file is never left half written."""
        stop = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            stop = stop or item is None
            self._queue.task_done()
        if stop:  # `close()` is waiting for its worker: keep its last word
            self._queue.put(None)
        playing = self._playing
        if playing is not None and self.output is None:
            playing.terminate()

    def wait(self) -> None:
        """Block until everything queued so far is spoken (tests, orderly shutdown)."""
        self._queue.join()

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=5)
            self._worker = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._speak(item)
            finally:
                self._queue.task_done()

    def _speak(self, item: Utterance) -> None:
        if item.lang == CHIME:
            self._chime(item)
            return
        assert self.program is not None
        # a text is said as it is written: espeak-ng would read "[[...]]" in it as phoneme codes
        command = [self.program, "-v", VOICES.get(item.lang, item.lang), "-s", str(self.rate)]
        if self.output is not None:
            command += ["-w", str(self.output / f"{self.spoken + 1:04d}-{item.lang}.wav")]
        try:
            if self.output is not None:
                self.output.mkdir(parents=True, exist_ok=True)
            process = subprocess.Popen(
                [*command, "--", for_voice(item.text, item.lang).replace("[[", "[ [")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("speech failed: %s", exc)
            return
        self._playing = process
        try:
            _, errors = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            log.warning("speech failed: espeak-ng took over 60 s")
            return
        finally:
            self._playing = None
        if process.returncode < 0:  # stopped by `hush()`
            return
        if process.returncode:
            log.warning("speech failed: espeak-ng: %s", errors.decode(errors="replace").strip())
            return
        self._done(item)

    def _done(self, item: Utterance) -> None:
        self.spoken += 1
        if self.on_spoken is not None:
            self.on_spoken(item)

    def _chime(self, item: Utterance) -> None:
        if self.output is not None:
            try:
                self.output.mkdir(parents=True, exist_ok=True)
                (self.output / f"{self.spoken + 1:04d}-chime.wav").write_bytes(chime_wav())
            except OSError as exc:
                log.warning("chime failed: %s", exc)
                return
            self._done(item)
            return
        player = next((p for p in ("paplay", "aplay", "play") if shutil.which(p)), None)
        if player is None:
            log.warning("no sound player (paplay, aplay or sox's play): the chime is silent")
            return
        with tempfile.NamedTemporaryFile(suffix=".wav") as sound:
            sound.write(chime_wav())
            sound.flush()
            try:
                subprocess.run([player, sound.name], check=True, capture_output=True, timeout=10)
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("chime failed: %s", exc)
                return
        self._done(item)
