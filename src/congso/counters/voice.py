"""The spoken call (ADR 0144): "Mời công dân có số thứ tự B 0 1 2 3 đến quầy số 3", built from
short clips generated once by espeak-ng's Vietnamese voice (Debian's package, no internet) and
kept as WAV files under MEDIA_ROOT/counters/voice/; the board plays a chime and then the clips
in sequence. A unit may replace any clip by a recording of its own under the same name."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

from django.conf import settings

from .models import Call, Ticket

# Letters as Vietnamese says them when spelling a ticket ("bê", not the English "bee").
LETTERS = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "E": "e",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích",
    "Y": "i dài",
    "Z": "dét",
}
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
MAX_COUNTER = 40

# clip name → the text espeak-ng speaks
CLIPS: dict[str, str] = {
    "moi": "Mời công dân có số thứ tự",
    "den-quay": "đến quầy số",
    **{f"chu-{k.lower()}": v for k, v in LETTERS.items()},
    **{f"so-{i}": DIGITS[i] for i in range(10)},
    **{f"quay-{n}": str(n) for n in range(1, MAX_COUNTER + 1)},
}
CHIME = "chuong"
ALL_CLIPS = [CHIME, *CLIPS]


def voice_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "counters" / "voice"


def clip_path(name: str) -> Path | None:
    """The file of clip ``name`` (None for a name that is not a clip)."""
    if name not in ALL_CLIPS:
        return None
    return voice_dir() / f"{name}.wav"


def sequence(ticket: Ticket, counter_number: int) -> list[str]:
    """The clips of one call, in order (after the chime)."""
    letters = [f"chu-{c.lower()}" for c in ticket.issued_group.letter]
    digits = [f"so-{d}" for d in f"{ticket.number:04d}"]
    counter = (
        [f"quay-{counter_number}"]
        if counter_number <= MAX_COUNTER
        else [f"so-{d}" for d in str(counter_number)]
    )
    return ["moi", *letters, *digits, "den-quay", *counter]


def spoken_text(call: Call) -> str:
    """The call as one sentence (shown under the number, and for the screen reader)."""
    ticket = call.ticket
    spelled = " ".join([ticket.issued_group.letter, *f"{ticket.number:04d}"])
    return f"Mời công dân có số thứ tự {spelled} đến quầy số {call.counter.number}"


def _chime(path: Path) -> None:
    """Two soft tones (ding-dong), 22 050 Hz mono like espeak-ng's clips."""
    rate = 22050
    frames = bytearray()
    for freq, seconds in ((880.0, 0.45), (659.25, 0.7)):
        n = int(rate * seconds)
        for i in range(n):
            t = i / rate
            amp = 0.45 * math.exp(-3.5 * t) * min(1.0, i / 200)
            frames += struct.pack("<h", int(32767 * amp * math.sin(2 * math.pi * freq * t)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def generate(*, force: bool = False, program: str = "espeak-ng") -> list[str]:
    """Write every missing clip (all with ``force``); returns the names written. Clips a unit
    recorded itself are kept unless ``force``."""
    folder = voice_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    chime = folder / f"{CHIME}.wav"
    if force or not chime.exists():
        _chime(chime)
        written.append(CHIME)
    exe = shutil.which(program)
    if exe is None:
        raise FileNotFoundError(
            f"{program} not found: install Debian's espeak-ng (make system-deps)"
        )
    for name, text in CLIPS.items():
        path = folder / f"{name}.wav"
        if path.exists() and not force:
            continue
        tmp = path.with_suffix(".tmp")
        subprocess.run(
            [exe, "-v", "vi", "-s", "150", "-w", str(tmp), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        tmp.replace(path)
        written.append(name)
    return written


def missing() -> list[str]:
    return [n for n in ALL_CLIPS if not (voice_dir() / f"{n}.wav").exists()]
