"""Factories for catalogue tests. ``published_procedure`` builds a procedure with one
published version that passes the publication rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from congso.procedures.models import (
    Fee,
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    UnitProcedure,
)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    name = factory.Sequence(lambda n: f"Thủ tục số {n}")
    slug = factory.Sequence(lambda n: f"thu-tuc-{n}")
    field = factory.SubFactory(FieldFactory)
    level = "ward"


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    valid_from = dt.date(2015, 1, 1)
    name = factory.LazyAttribute(lambda o: o.procedure.name)
    duration = Decimal(3)
    duration_kind = "working_days"
    is_published = False

    class Params:
        published = factory.Trait(is_published=True)


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredPaper

    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Tờ khai"


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    version = factory.SubFactory(VersionFactory)
    name = "Lệ phí"
    amount = 1500000


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternalStep

    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Thẩm định"
    actor = "specialist"
    budget = Decimal(3)


def complete(
    version: ProcedureVersion, budgets: tuple[str, ...] = ("0.5", "2", "0.5")
) -> ProcedureVersion:
    """Give a version what publication needs: a paper and steps adding up to its duration."""
    PaperFactory(version=version, order=1, name="Tờ khai")
    for i, b in enumerate(budgets, start=1):
        StepFactory(version=version, order=i, budget=Decimal(b))
    return version


def published_procedure(
    name: str = "Đăng ký khai sinh", *, unit=None, **version_values
) -> Procedure:  # type: ignore[no-untyped-def]
    procedure = ProcedureFactory(name=name)
    version = VersionFactory(procedure=procedure, published=True, name=name, **version_values)
    complete(version, budgets=(str(version.duration),))
    if unit is not None:
        UnitProcedure.objects.create(unit=unit, procedure=procedure)
    return procedure
