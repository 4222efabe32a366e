"""factory_boy factories for documents, with traits for their states."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from congso.documents.models import (
    Channel,
    DocumentKind,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Secrecy,
    Series,
    WorkFile,
)


class IncomingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomingDocument

    holder = factory.SelfAttribute("unit")
    year = 2026
    series = Series.NORMAL
    number = factory.Sequence(lambda n: n + 1)
    received_at = factory.LazyFunction(timezone.now)
    sender_name = "Sở Tư pháp Hà Nội"
    number_symbol = factory.Sequence(lambda n: f"{n + 1}/STP-VP")
    document_date = dt.date(2026, 3, 2)
    kind = factory.LazyFunction(lambda: DocumentKind.objects.get(name="Công văn"))
    abstract = factory.Sequence(lambda n: f"Về việc triển khai nhiệm vụ số {n}")
    channel = Channel.PAPER
    status = IncomingStatus.REGISTERED

    class Params:
        secret = factory.Trait(secrecy=Secrecy.CONFIDENTIAL, series=Series.SECRET)
        overdue = factory.Trait(
            status=IncomingStatus.DIRECTED,
            handling_due_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
        )


class OutgoingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingDocument

    drafting_unit = factory.SelfAttribute("agency")
    kind = factory.LazyFunction(lambda: DocumentKind.objects.get(abbreviation="QĐ"))
    abstract = factory.Sequence(lambda n: f"Quyết định về việc số {n}")
    status = OutgoingStatus.DRAFT
    created_by = factory.SelfAttribute("signer")

    class Params:
        issued = factory.Trait(
            status=OutgoingStatus.ISSUED,
            year=2026,
            number=factory.Sequence(lambda n: n + 1),
            notation="QĐ-UBND",
            signed_at=factory.LazyFunction(timezone.now),
            issued_at=factory.LazyFunction(timezone.now),
        )


class WorkFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkFile

    year = 2026
    code = factory.Sequence(lambda n: f"{n + 1:02d}.VP")
    title = factory.Sequence(lambda n: f"Hồ sơ công việc {n}")
    retention_years = 10
    started_on = dt.date(2026, 1, 5)
