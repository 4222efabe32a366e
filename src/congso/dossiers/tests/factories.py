"""Factories for dossier tests: small procedures of our own (not the catalogue demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import factory
from django.utils import timezone

from congso.org.models import Unit
from congso.procedures.models import (
    DurationKind,
    Fee,
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    StepActor,
    UnitProcedure,
)

_codes = count(1)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    national_code = factory.LazyFunction(lambda: f"9.{next(_codes):06d}")
    slug = factory.LazyAttribute(lambda o: f"thu-tuc-{o.national_code.replace('.', '-')}")
    name = "Đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = "district"


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    valid_from = dt.date(2015, 1, 1)
    is_published = True
    name = factory.LazyAttribute(lambda o: o.procedure.name)
    duration = Decimal(3)
    duration_kind = DurationKind.WORKING_DAYS
    via_online = True
    supplement_once = True


def offered_procedure(
    unit: Unit,
    *,
    name: str = "Cấp bản sao trích lục hộ tịch",
    duration: Decimal = Decimal(3),
    kind: str = DurationKind.WORKING_DAYS,
    department: str = "TP",
    supplement_once: bool = True,
    fee: int = 8000,
) -> ProcedureVersion:
    """A published procedure version offered by ``unit``'s agency, with two papers, a fee and
    the usual internal steps (desk, head assigns, specialist, leader signs, clerk, return)."""
    level = "ward" if unit.agency().kind == "ward" else "district"
    version = VersionFactory(
        procedure__name=name,
        procedure__level=level,
        duration=duration,
        duration_kind=kind,
        supplement_once=supplement_once,
    )
    RequiredPaper.objects.create(
        version=version,
        order=1,
        name="Tờ khai theo mẫu",
        form_name="Mẫu TK-01",
        originals=1,
        copies=0,
    )
    RequiredPaper.objects.create(
        version=version, order=2, name="Bản sao giấy tờ tùy thân", originals=0, copies=1
    )
    RequiredPaper.objects.create(
        version=version,
        order=3,
        name="Giấy ủy quyền (nếu nộp thay)",
        originals=1,
        copies=0,
        required=False,
    )
    Fee.objects.create(version=version, name="Lệ phí cấp bản sao", amount=fee)
    budgets = [
        ("Tiếp nhận, chuyển hồ sơ", StepActor.ONESTOP, "", "0.5"),
        ("Phân công thụ lý", StepActor.DEPARTMENT_HEAD, department, "0.5"),
        ("Thẩm định hồ sơ", StepActor.SPECIALIST, department, str(duration - Decimal("2.5"))),
        ("Lãnh đạo ký duyệt", StepActor.UNIT_LEADER, "", "1"),
        ("Vào số, đóng dấu", StepActor.RECORDS_CLERK, "", "0.5"),
    ]
    for order, (step, actor, dept, budget) in enumerate(budgets, start=1):
        InternalStep.objects.create(
            version=version,
            order=order,
            name=step,
            actor=actor,
            department=dept,
            budget=Decimal(budget),
        )
    UnitProcedure.objects.create(unit=unit.agency(), procedure=version.procedure)
    return version


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))
