"""Reads scoped to the caller: a citizen sees only their own drafts, dossiers and payments
(the policy's ownership rules, ``congso.org.policy.owned``; the services ask ``ensure_owns``
of the same rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from congso.dossiers.models import Dossier
from congso.org import policy
from congso.org.models import Unit
from congso.procedures.models import OnlineLevel, ProcedureVersion, UnitProcedure
from congso.procedures.selectors import current_versions

from .models import Draft, Payment


def payment_for(*, user: Any, order_ref: str) -> Payment | None:
    return (
        policy.owned(user, "eservices.payment", Payment.objects.filter(order_ref=order_ref))
        .select_related("unit")
        .first()
    )


def online_versions() -> QuerySet[ProcedureVersion]:
    """Published versions in force that can be submitted online and that some unit receives."""
    return (
        current_versions()
        .filter(via_online=True, online_level__in=[OnlineLevel.PARTIAL, OnlineLevel.FULL])
        .filter(
            Exists(
                UnitProcedure.objects.filter(
                    procedure=OuterRef("procedure"), is_active=True, unit__dissolved_at__isnull=True
                )
            )
        )
        .select_related("procedure", "procedure__field")
        .order_by("procedure__field__name", "name")
    )


def online_version(slug: str) -> ProcedureVersion | None:
    return online_versions().filter(procedure__slug=slug).order_by("-number").first()


def receiving_units(version: ProcedureVersion) -> QuerySet[Unit]:
    return Unit.objects.filter(
        offered_procedures__procedure_id=version.procedure_id,
        offered_procedures__is_active=True,
        dissolved_at__isnull=True,
    ).order_by("path")


def draft_for(*, user: Any, public_id: Any) -> Draft | None:
    return (
        policy.owned(user, "eservices.draft", Draft.objects.filter(public_id=public_id))
        .select_related("version", "version__procedure", "unit")
        .first()
    )


def drafts_of(user: Any) -> QuerySet[Draft]:
    return (
        policy.owned(user, "eservices.draft", Draft.objects.filter(submitted_at__isnull=True))
        .select_related("version", "unit")
        .order_by("-updated_at")
    )


def my_dossiers(user: Any) -> QuerySet[Dossier]:
    """The citizen's own dossiers, newest first, with what the list shows (constant queries)."""
    return (
        policy.owned(user, "eservices.dossier", Dossier.objects.all())
        .select_related("procedure_version", "agency")
        .order_by("-submitted_at", "-pk")
    )


def my_dossier(*, user: Any, pk: Any) -> Dossier | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        my_dossiers(user)
        .select_related("processing_agency", "receiving_unit")
        .prefetch_related("history", "attachments", "supplements")
        .filter(pk=pk)
        .first()
    )
