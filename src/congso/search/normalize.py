"""Vietnamese text folding for search.

Folding removes every diacritic (tone marks and vowel marks), maps đ to d, lower-cases and
collapses white space. Because all marks go, the two tone-mark placements (hoà / hòa,
thuỷ / thủy) and both Unicode normal forms (NFC precomposed, NFD decomposed) fold to the same
string.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str | None) -> list[str]:
    """Folded words without punctuation, for token matching."""
    return [w for w in _SPACES.split(_NON_WORD.sub(" ", fold(text))) if w]
