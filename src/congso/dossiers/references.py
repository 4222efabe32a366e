"""References of online submissions (mã tham chiếu): what an applicant can look a dossier up
by from the moment it is submitted, before the desk gives it its code (ADR 0075).

``TT-XXXX-XXXX`` from 31 letters and digits (no 0, 1, I, L, O, which are read and typed
wrongly): about 8.5 × 10^11 values, drawn at random, so a reference says nothing about how many
dossiers an agency has and cannot be guessed from another one. The lookup still asks for the
applicant's identity number beside it.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "TT"
_SHAPE = re.compile(rf"^{PREFIX}-?([{ALPHABET}]{{4}})-?([{ALPHABET}]{{4}})$")


def new_reference() -> str:
    """A fresh random reference, e.g. ``TT-7KQ4-M9XA``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def parse_reference(text: str) -> str | None:
    """The canonical reference typed as ``text`` (any case, spaces, with or without the
    dashes), or None when it is not one (then it may be a dossier code)."""
    match = _SHAPE.match(re.sub(r"\s+", "", text or "").upper())
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}" if match else None
