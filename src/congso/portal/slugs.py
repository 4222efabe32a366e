"""ASCII slugs for Vietnamese titles, the same on the server and in the Wagtail editor.

Wagtail's editor turns a title into a slug in the browser (its ``urlify``), which knows no
Vietnamese: "Phường Nhân Chính ra quân làm sạch đường phố" became
``phng-nhan-chinh-ra-quan-lam-sch-djng-ph`` (letters with two marks dropped, đ → dj). The
rule lives in one place, ``congso.search.normalize.fold``: the server folds and slugifies; the
editor gets formatters (regex → letter) derived from the same fold, which Wagtail's slug
controller applies before its own urlify.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache

from django.utils.text import slugify

from congso.search.normalize import fold


def vietnamese_slug(text: str, *, max_length: int = 255) -> str:
    """``text`` folded (no diacritics, đ → d) and slugified: ASCII letters, digits, hyphens."""
    return slugify(fold(text))[:max_length].strip("-")


@cache
def _letters_by_base() -> dict[str, str]:
    """Every precomposed Latin letter (Latin-1 and Latin Extended, Vietnamese's block
    U+1EA0–U+1EF9 included) that fold() turns into one ASCII letter, grouped by that letter."""
    groups: dict[str, list[str]] = {}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        if not unicodedata.category(char).startswith("L"):
            continue
        base = fold(char)
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char:
            groups.setdefault(base, []).append(char)
    return {base: "".join(chars) for base, chars in sorted(groups.items())}


@cache
def editor_formatters() -> tuple[tuple[str, str], ...]:
    """(pattern, replacement) pairs for Wagtail's SlugInput ``formatters``: combining marks
    (text typed in decomposed form) removed, then each marked letter replaced by its base."""
    pairs = [("[\u0300-\u036f]", "")]
    pairs += [(f"[{chars}]", base) for base, chars in _letters_by_base().items()]
    return tuple(pairs)


def editor_formatters_json() -> str:
    """The formatters as the ``data-w-slug-formatters-value`` attribute wants them."""
    return json.dumps([[[pattern, "gu"], repl] for pattern, repl in editor_formatters()])
