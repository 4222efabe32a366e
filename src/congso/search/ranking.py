"""Ranking procedures for a typed query — the same on every database.

The database only narrows the candidates (each query word, in one of its forms, occurs in
``Procedure.search_text``); the order is decided here in Python from the names, so SQLite
and PostgreSQL rank identically. See docs/procedures.md, "Search and ranking".

Keys: folded words (``normalize.fold_words``) with the i/y spelling variants made one
(``ky``/``ki`` → ``ki``: a final y after a consonant), so "đăng kí" = "đăng ký".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .normalize import fold, fold_words

# Abbreviations officers and citizens type, as the folded words they stand for.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "gpxd": ("giay", "phep", "xay", "dung"),
    "hkd": ("ho", "kinh", "doanh"),
    "cccd": ("can", "cuoc", "cong", "dan"),
    "cmnd": ("chung", "minh", "nhan", "dan"),
    "qsdd": ("quyen", "su", "dung", "dat"),
    "gcn": ("giay", "chung", "nhan"),
    "gcnqsdd": ("giay", "chung", "nhan", "quyen", "su", "dung", "dat"),
    "gpkd": ("giay", "phep", "kinh", "doanh"),
    "btxh": ("bao", "tro", "xa", "hoi"),
    "ubnd": ("uy", "ban", "nhan", "dan"),
}

_CODE_QUERY = re.compile(
    r"^\s*(\d)\.?(\d{6})(?:\.\d{3}\.\d{2}\.\d{2}\.[a-z]\d{2})?\s*$", re.IGNORECASE | re.ASCII
)
_FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y$|(?<=qu)y$")


def key_word(word: str) -> str:
    """One folded word with its i/y variant made one ("ky" and "ki" → "ki"; "thay" stays)."""
    return _FINAL_Y.sub("i", word)


def key_words(text: str | None) -> list[str]:
    return [key_word(w) for w in fold_words(text)]


def code_of_query(q: str) -> str:
    """The national code a query stands for ("1.003583", "1003583", "1.003583.000.00.00.H37"),
    or ""."""
    match = _CODE_QUERY.match(q or "")
    return f"{match.group(1)}.{match.group(2)}" if match else ""


def procedure_search_text(name: str, national_code: str = "", local_code: str = "") -> str:
    """What ``Procedure.search_text`` holds: the folded name and codes as before (callers that
    match folded substrings keep working), then the key words and the key words run together
    (for "khaisinh")."""
    keys = key_words(name)
    codes = " ".join(
        c for c in (national_code, national_code.replace(".", ""), fold(local_code)) if c
    )
    joined = "".join(keys)
    plain = "".join(fold_words(name))
    return f"{fold(name)} {codes} | {' '.join(keys)} | {joined}{' ' + plain if plain != joined else ''}".strip()


@dataclass(frozen=True)
class Query:
    """A parsed query: its code, if it is one, and groups of alternatives per word."""

    text: str
    code: str
    words: tuple[str, ...]  # key words, abbreviations expanded
    groups: tuple[tuple[str, ...], ...]  # per typed word: the strings any of which must occur

    @property
    def empty(self) -> bool:
        return not self.code and not self.words


def parse_query(q: str | None) -> Query:
    text = (q or "").strip()
    code = code_of_query(text)
    if code:
        return Query(text, code, (), ())
    words: list[str] = []
    groups: list[tuple[str, ...]] = []
    for word in key_words(text):
        expansion = ABBREVIATIONS.get(word)
        if expansion:
            words.extend(expansion)
            groups.append((" ".join(expansion), "".join(expansion), word))
        else:
            words.append(word)
            groups.append((word,))
    return Query(text, "", tuple(words), tuple(groups))


def _split_run_together(word: str, vocabulary: set[str], depth: int = 0) -> list[str] | None:
    """``word`` as 2–4 consecutive words of the name ("khaisinh" → khai, sinh), or None."""
    if depth > 3:
        return None
    for cut in range(len(word) - 1, 0, -1):
        head, tail = key_word(word[:cut]), word[cut:]
        if head in vocabulary:
            if key_word(tail) in vocabulary:
                return [head, key_word(tail)]
            rest = _split_run_together(tail, vocabulary, depth + 1)
            if rest:
                return [head, *rest]
    return None


def name_keys_of(search_text: str) -> str:
    """The key words of the name, space-joined, as ``procedure_search_text`` stored them
    (between its two " | " marks), so ranking never folds a name again."""
    parts = (search_text or "").split(" | ")
    return parts[-2] if len(parts) >= 3 else " ".join(key_words(search_text))


def _query_words(query: Query, padded: str) -> list[str]:
    """The query's words, a word that is not in the name tried as words run together."""
    words: list[str] = []
    vocabulary: set[str] | None = None
    for word in query.words:
        if f" {word} " not in padded:
            if vocabulary is None:
                vocabulary = set(padded.split())
            parts = _split_run_together(word, vocabulary)
            if parts:
                words.extend(parts)
                continue
        words.append(word)
    return words


def tier_of(query: Query, keys: str) -> int:
    """0 exact title, 1 title starts with the phrase, 2 phrase inside the title, 3 every word
    as a whole word (scattered), 4 words as word beginnings, 5 substrings only. ``keys``: the
    name's key words, space-joined. Plain string tests, so thousands of candidates cost
    about a millisecond."""
    padded = f" {keys} "
    words = _query_words(query, padded)
    if not words:
        return 5
    phrase = " ".join(words)
    if keys == phrase:
        return 0
    if padded.startswith(f" {phrase} "):
        return 1
    if f" {phrase} " in padded:
        return 2
    if all(f" {w} " in padded for w in words):
        return 3
    if all(f" {w}" in padded for w in words):
        return 4
    return 5


def match_tier(query: Query, name_keys: Sequence[str]) -> int:
    """``tier_of`` for a name given as its list of key words."""
    return tier_of(query, " ".join(name_keys))


def rank(
    query: Query,
    candidates: Iterable[tuple[int, str, str]],
    popularity: Callable[[list[int]], dict[int, int]] | None = None,
) -> list[int]:
    """Ids of ``candidates`` (id, ``Procedure.search_text``, national code) best first.

    Order: the procedure whose code is the query; then match tier (tier_of); then how often
    the unit receives it (``popularity`` of the ids, when given); then the shorter name; then
    the name (both as key words).
    """
    scored: list[tuple[int, int, str, int]] = []
    for pk, search_text, code in candidates:
        keys = name_keys_of(search_text)
        if query.code:
            tier = 0 if code == query.code else 9
        else:
            tier = tier_of(query, keys)
        scored.append((tier, len(keys), keys, pk))
    counts = popularity([s[3] for s in scored]) if popularity and scored else {}
    scored.sort(key=lambda s: (s[0], -counts.get(s[3], 0), s[1], s[2], s[3]))
    return [s[3] for s in scored]
