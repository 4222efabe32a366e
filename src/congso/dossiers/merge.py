"""When units merge (the 2025 reform), open dossiers move to the successor; their history
rows, handovers and register rows keep the old unit, so the past reads as it happened."""

from __future__ import annotations

from congso.org.models import Unit

from .models import OPEN_STATUSES, Dossier


def move_open_dossiers(source: Unit, successor: Unit) -> int:
    """Point every open dossier held by ``source`` at ``successor``; returns how many moved.
    Dossier codes stay as issued (they are printed on receipts)."""
    open_q = Dossier.objects.filter(status__in=OPEN_STATUSES)
    moved = set()
    for field in ("agency", "receiving_unit", "processing_agency", "handling_unit"):
        ids = list(open_q.filter(**{field: source}).values_list("pk", flat=True))
        Dossier.objects.filter(pk__in=ids).update(**{field: successor})
        moved.update(ids)
    return len(moved)
