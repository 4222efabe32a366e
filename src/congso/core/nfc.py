"""Text stored before input was normalised, put into NFC (issue #11, finding 13; ADR 0108).

Since ADR 0096 every form field, query string and JSON body is NFC on the way in; rows written
before keep the decomposed (NFD) Vietnamese some keyboards send, which an NFC search, a
comparison or a unique check does not match. ``nfc_migration(app_label)`` gives the RunPython
operation each app's data migration runs: every text column (CharField, TextField, and the
strings inside JSONFields) of every model of the app, rewritten only where it is not NFC.

- Idempotent: a second run finds nothing to change (``unicodedata.is_normalized`` first).
- File fields are left alone (the name points at a file on disk), as are the models listed in
  ``SKIP`` (the audit log is hash-chained: rewriting it would break the chain; the search index
  and folded keys are derived and form-independent, see ``search.normalize.fold``).
- A row whose normalised value would collide with another row in a unique column is left as it
  is and logged (two accounts "Hoà" NFC and NFD are two accounts until someone merges them);
  so is a row holding text longer than its field's limit (``LimitedTextField`` refuses it).
- Rows to change are collected first, then updated one by one with ``QuerySet.update`` (no
  ``save()``, signals or ``auto_now``): few rows need it, and the read never races its writes.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.migrations import RunPython

logger = logging.getLogger("congso.migrations")

SKIP = frozenset({"audit", "search"})
CHUNK = 2000


def nfc_value(value: Any) -> Any:
    """``value`` with every string in it NFC (dicts and lists walked; keys too)."""
    if isinstance(value, str):
        if value.isascii() or unicodedata.is_normalized("NFC", value):
            return value
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_value(v) for v in value]
    if isinstance(value, dict):
        return {nfc_value(k): nfc_value(v) for k, v in value.items()}
    return value


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        and not isinstance(f, models.FileField)
        and not f.primary_key
    ]


def normalise_model(model: type[models.Model], using: str = "default") -> int:
    """Rewrite the non-NFC text of one model's rows; returns the number of rows changed."""
    fields = _text_fields(model)
    if not fields:
        return 0
    names = [f.attname for f in fields]
    manager = model._base_manager.db_manager(using)
    pending: list[tuple[Any, dict[str, Any]]] = []
    rows = manager.order_by("pk").values_list("pk", *names)
    for pk, *values in rows.iterator(chunk_size=CHUNK):
        update = {}
        for name, value in zip(names, values, strict=True):
            new = nfc_value(value)
            if new != value:
                update[name] = new
        if update:
            pending.append((pk, update))
    changed = 0
    for pk, update in pending:
        try:
            with transaction.atomic(using=using):
                manager.filter(pk=pk).update(**update)
        except IntegrityError:
            logger.warning(
                "NFC: %s pk=%s left as it is (its NFC form collides with another row: %s)",
                model._meta.label,
                pk,
                ", ".join(sorted(update)),
            )
            continue
        except ValidationError:
            # Text stored before its length limit: the field refuses to write it again.
            logger.warning(
                "NFC: %s pk=%s left as it is (longer than the limit of %s)",
                model._meta.label,
                pk,
                ", ".join(sorted(update)),
            )
            continue
        changed += 1
    if changed:
        logger.info("NFC: %s rows of %s normalised", changed, model._meta.label)
    return changed


def normalise_app(apps: Any, app_label: str, using: str = "default") -> int:
    """Every concrete model of ``app_label`` in the (historical) registry ``apps``."""
    if app_label in SKIP:
        return 0
    total = 0
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        total += normalise_model(model, using)
    return total


def nfc_migration(app_label: str) -> RunPython:
    """The RunPython operation of an app's NFC data migration (no-op backwards: NFC text is
    what the app writes anyway)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        normalise_app(apps, app_label, schema_editor.connection.alias)

    forward.__name__ = f"nfc_{app_label}"
    noop: Callable[..., None] = RunPython.noop
    return RunPython(forward, noop, elidable=True)
