"""Every change to the procedure catalogue goes through one of these functions.

Each owns its transaction, checks who may act, validates, and writes an audit row. The rule
that matters most for the rest of the system: a published version is never edited — a dossier
keeps the version it was received under, so changing the catalogue means a new version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.org import policy
from congso.org.models import Role, Unit

from .models import (
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

# Roles allowed to edit the catalogue. Publishing is a system-administration task in the
# 2015 model (the district office maintains the list the city approved).
CATALOGUE_ROLES = {Role.SYSADMIN.value}

# Fields copied from one version to the next draft.
VERSION_COPY_FIELDS = [
    "name",
    "steps",
    "via_counter",
    "via_post",
    "via_online",
    "sets",
    "duration",
    "duration_kind",
    "duration_note",
    "applicants",
    "implementing_agency",
    "result",
    "fee_note",
    "conditions",
    "legal_basis",
    "online_level_2015",
    "online_level",
    "supplement_once",
    "form_schema",
    "review_flags",
]
FEE_COPY_FIELDS = [
    "kind",
    "name",
    "amount",
    "note",
    "per_unit",
    "from_unit",
    "max_amount",
    "condition",
]


def can_manage_catalogue(user: Any) -> bool:
    """Whether ``user`` may create, publish, import and export procedures. ``None`` stands
    for the system itself (management commands, demo loading)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return policy.may(user, "catalogue.manage")


def ensure_catalogue_admin(user: Any) -> None:
    if not can_manage_catalogue(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới được thay đổi danh mục thủ tục."))


def _format_amount(value: Decimal) -> str:
    text = (
        format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    )
    return text.replace(".", ",")


@transaction.atomic
def procedure_create(
    *, by: Any, name: str, slug: str, field: Field, level: str, national_code: str = ""
) -> Procedure:
    """Create a procedure (without versions yet: add one with ``version_create_draft``)."""
    ensure_catalogue_admin(by)
    procedure = Procedure(
        name=name, slug=slug, field=field, level=level, national_code=national_code
    )
    procedure.full_clean()
    procedure.save()
    audit_record(
        actor=by,
        action="procedure.create",
        target=procedure,
        data={"slug": slug, "national_code": national_code, "level": level},
    )
    return procedure


@transaction.atomic
def version_create_draft(
    *, by: Any, procedure: Procedure, valid_from: dt.date | None = None, **values: Any
) -> ProcedureVersion:
    """Create the next version of ``procedure`` as an unpublished draft.

    The draft copies the latest version with its papers (form files are shared, not copied),
    fees and internal steps; ``values`` override copied fields. The first version of a new
    procedure needs at least ``duration`` in ``values``.
    """
    ensure_catalogue_admin(by)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    latest = procedure.versions.order_by("-number").first()
    if latest is not None and not latest.is_published:
        raise ValidationError(
            _("Thủ tục đã có bản nháp (phiên bản %(number)s); hãy sửa hoặc công bố bản nháp đó.")
            % {"number": latest.number}
        )
    unknown = set(values) - set(VERSION_COPY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Trường không hợp lệ: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    data: dict[str, Any] = {"name": procedure.name}
    if latest is not None:
        data.update({f: getattr(latest, f) for f in VERSION_COPY_FIELDS})
    data.update(values)
    draft = ProcedureVersion(
        procedure=procedure,
        number=(latest.number + 1) if latest else 1,
        valid_from=valid_from or dt.date.today(),
        is_published=False,
        **data,
    )
    draft.full_clean()
    draft.save()
    if latest is not None:
        RequiredPaper.objects.bulk_create(
            [
                RequiredPaper(
                    version=draft,
                    order=p.order,
                    name=p.name,
                    form_name=p.form_name,
                    form_file=p.form_file.name,
                    originals=p.originals,
                    copies=p.copies,
                    required=p.required,
                )
                for p in latest.papers.all()
            ]
        )
        Fee.objects.bulk_create(
            [
                Fee(version=draft, **{k: getattr(f, k) for k in FEE_COPY_FIELDS})
                for f in latest.fees.all()
            ]
        )
        InternalStep.objects.bulk_create(
            [
                InternalStep(
                    version=draft,
                    order=s.order,
                    name=s.name,
                    actor=s.actor,
                    department=s.department,
                    budget=s.budget,
                    form_name=s.form_name,
                )
                for s in latest.internal_steps.all()
            ]
        )
    audit_record(
        actor=by,
        action="procedure.version_create_draft",
        target=draft,
        data={
            "procedure": procedure.slug,
            "number": draft.number,
            "copied_from": latest.number if latest else None,
        },
    )
    return draft


def ensure_draft(version: ProcedureVersion) -> None:
    """Refuse any change to a published version (its dossiers depend on it)."""
    if ProcedureVersion.objects.filter(pk=version.pk, is_published=True).exists():
        raise ValidationError(
            _("Phiên bản %(number)s đã công bố, không được sửa. Hãy tạo phiên bản mới.")
            % {"number": version.number}
        )


def version_problems(
    version: ProcedureVersion, *, papers: int | None = None, budgets: list[Decimal] | None = None
) -> list[str]:
    """What stops ``version`` from being published, as Vietnamese sentences: what a person
    must still confirm (review_problems), then what it lacks (structure_problems).

    ``papers`` and ``budgets`` may be given by a caller that has them in memory (the XLSX
    import validates rows before anything is saved).
    """
    return [*review_problems(version), *structure_problems(version, papers=papers, budgets=budgets)]


def review_problems(version: ProcedureVersion) -> list[str]:
    """Flags an import left that nobody has confirmed yet, and an unknown unit."""
    problems: list[str] = []
    if version.review_flags:
        problems.append(
            _("Còn %(n)s điểm cần xem lại (%(first)s); hãy xác nhận trước khi công bố.")
            % {"n": len(version.review_flags), "first": version.review_flags[0].get("message", "")}
        )
    if version.duration_kind == DurationKind.UNKNOWN:
        problems.append(
            _("Chưa rõ đơn vị thời hạn giải quyết (ngày làm việc, ngày hay trong ngày).")
        )
    return problems


def steps_add_up(version: ProcedureVersion, budgets: list[Decimal]) -> bool:
    """The publishing rule on internal steps: at least one, budgets adding up to the deadline."""
    return bool(budgets) and sum(budgets, Decimal(0)) == Decimal(version.duration)


def structure_problems(
    version: ProcedureVersion, *, papers: int | None = None, budgets: list[Decimal] | None = None
) -> list[str]:
    """What a version lacks to be published ("cần bổ sung"): papers, internal steps whose
    budgets add up to the deadline."""
    problems: list[str] = []
    if papers is None:
        papers = version.papers.count()
    if budgets is None:
        budgets = list(version.internal_steps.values_list("budget", flat=True))
    if papers < 1:
        problems.append(_("Cần ít nhất một thành phần hồ sơ."))
    total = sum(budgets, Decimal(0))
    duration = Decimal(version.duration)
    if budgets and not steps_add_up(version, budgets):
        problems.append(
            _(
                "Tổng thời gian các bước quy trình nội bộ là %(sum)s %(unit)s, khác thời hạn "
                "giải quyết %(total)s %(unit)s; hãy sửa thời gian các bước hoặc dùng quy trình "
                "nội bộ mặc định."
            )
            % {
                "sum": _format_amount(total),
                "total": _format_amount(duration),
                "unit": version.get_duration_kind_display(),
            }
        )
    if not budgets:
        problems.append(_("Cần khai báo quy trình nội bộ (ít nhất một bước)."))
    return problems


def check_valid_from(
    procedure_id: int | None, number: int, valid_from: dt.date, *, lock: bool = False
) -> ProcedureVersion | None:
    """The version-date rule, the one both publishing and every import use: a version starts
    after the published version before it. Returns that previous version (or None); raises
    ValidationError naming both dates."""
    if procedure_id is None:
        return None
    qs = ProcedureVersion.objects.filter(
        procedure_id=procedure_id, is_published=True, number__lt=number
    )
    if lock:
        qs = qs.select_for_update()
    previous = qs.order_by("-number").first()
    if previous is not None and previous.valid_from >= valid_from:
        raise ValidationError(
            _(
                "Ngày hiệu lực %(new)s của phiên bản %(n)s phải sau ngày hiệu lực của phiên bản "
                "%(m)s (%(old)s)."
            )
            % {
                "new": valid_from.strftime("%d/%m/%Y"),
                "n": number,
                "m": previous.number,
                "old": previous.valid_from.strftime("%d/%m/%Y"),
            },
            code="valid_from",
        )
    return previous


@transaction.atomic
def version_publish(*, by: Any, version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft: validate it, close the previous version and make it current.

    After this the version is immutable: its content, papers, fees and steps cannot change.
    """
    ensure_catalogue_admin(by)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(
            _("Phiên bản %(number)s đã được công bố.") % {"number": version.number}
        )
    problems = version_problems(version)
    if problems:
        raise ValidationError(problems)
    previous = check_valid_from(version.procedure_id, version.number, version.valid_from, lock=True)
    closed_previous = None
    if previous is not None:
        end = version.valid_from - dt.timedelta(days=1)
        if previous.valid_to is None or previous.valid_to > end:
            # The one change a published version ever gets: its validity ends.
            ProcedureVersion.objects.filter(pk=previous.pk).update(valid_to=end)
            closed_previous = previous.number
    version.is_published = True
    version.save(update_fields=["is_published"])
    # The procedure's own name follows its newest published version (search uses it).
    procedure = version.procedure
    if procedure.name != version.name:
        procedure.name = version.name
        procedure.save()
    audit_record(
        actor=by,
        action="procedure.version_publish",
        target=version,
        data={
            "procedure": procedure.slug,
            "number": version.number,
            "valid_from": version.valid_from,
            "closed_previous": closed_previous,
        },
    )
    return version


@transaction.atomic
def version_update_draft(*, by: Any, version: ProcedureVersion, **values: Any) -> ProcedureVersion:
    """Change fields of a draft version; a published one is refused."""
    ensure_catalogue_admin(by)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    ensure_draft(version)
    unknown = set(values) - set(VERSION_COPY_FIELDS) - {"valid_from"}
    if unknown:
        raise ValidationError(
            _("Trường không hợp lệ: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    for key, value in values.items():
        setattr(version, key, value)
    version.full_clean()
    version.save()
    audit_record(
        actor=by,
        action="procedure.version_update_draft",
        target=version,
        data={"fields": sorted(values)},
    )
    return version


@transaction.atomic
def unit_offer(*, by: Any, unit: Unit, procedure: Procedure) -> UnitProcedure:
    """Let ``unit`` receive ``procedure`` (idempotent: re-activates a withdrawn offer)."""
    if by is not None:
        ensure_catalogue_admin(by)
        policy.ensure(by, "catalogue.offer", unit)
    if not unit.is_active:
        raise ValidationError(_("Đơn vị %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": unit.name})
    offer, created = UnitProcedure.objects.get_or_create(unit=unit, procedure=procedure)
    if not created and offer.is_active:
        return offer
    if not created:
        offer.is_active = True
        offer.save(update_fields=["is_active"])
    audit_record(
        actor=by,
        action="procedure.unit_offer",
        target=offer,
        unit=unit,
        data={"procedure": procedure.slug},
    )
    return offer


@transaction.atomic
def unit_withdraw(*, by: Any, unit: Unit, procedure: Procedure) -> UnitProcedure | None:
    """Stop ``unit`` receiving ``procedure``. The row stays (inactive) so history reads."""
    if by is not None:
        ensure_catalogue_admin(by)
        policy.ensure(by, "catalogue.offer", unit)
    offer = UnitProcedure.objects.select_for_update().filter(unit=unit, procedure=procedure).first()
    if offer is None or not offer.is_active:
        return offer
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    audit_record(
        actor=by,
        action="procedure.unit_withdraw",
        target=offer,
        unit=unit,
        data={"procedure": procedure.slug},
    )
    return offer


def procedures_move_on_merge(source: Unit, successor: Unit) -> int:
    """Merge handler: the successor offers whatever the merged unit offered."""
    moved = 0
    for offer in UnitProcedure.objects.filter(unit=source, is_active=True):
        _obj, created = UnitProcedure.objects.get_or_create(
            unit=successor, procedure_id=offer.procedure_id, defaults={"is_active": True}
        )
        if not created and not _obj.is_active:
            UnitProcedure.objects.filter(pk=_obj.pk).update(is_active=True)
        moved += 1
    UnitProcedure.objects.filter(unit=source).update(is_active=False)
    return moved


@transaction.atomic
def procedure_update(*, by: Any, procedure: Procedure, **values: Any) -> Procedure:
    """Change a procedure's own attributes (national code, provincial symbol, levels, field)."""
    ensure_catalogue_admin(by)
    allowed = {"national_code", "local_code", "levels", "level", "field"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Trường không hợp lệ: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    changed = {k: v for k, v in values.items() if getattr(procedure, k) != v}
    if not changed:
        return procedure
    for key, value in changed.items():
        setattr(procedure, key, value)
    procedure.full_clean(exclude=["search_text"])
    procedure.save()
    audit_record(
        actor=by,
        action="procedure.update",
        target=procedure,
        data={k: (v.code if isinstance(v, Field) else v) for k, v in changed.items()},
    )
    return procedure


@transaction.atomic
def version_set_content(
    *,
    by: Any,
    version: ProcedureVersion,
    papers: list[dict[str, Any]] | None = None,
    fees: list[dict[str, Any]] | None = None,
    steps: list[dict[str, Any]] | None = None,
) -> ProcedureVersion:
    """Replace the papers, fees and/or internal steps of a draft (None leaves that part)."""
    ensure_catalogue_admin(by)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    ensure_draft(version)
    if papers is not None:
        version.papers.all().delete()
        objs = [
            RequiredPaper(version=version, **{"order": i, **p})
            for i, p in enumerate(papers, start=1)
        ]
        for obj in objs:
            obj.full_clean(exclude=["version", "form_file"])
        RequiredPaper.objects.bulk_create(objs)
    if fees is not None:
        version.fees.all().delete()
        fee_objs = [Fee(version=version, **f) for f in fees]
        for fee in fee_objs:
            fee.full_clean(exclude=["version"])
        Fee.objects.bulk_create(fee_objs)
    if steps is not None:
        version.internal_steps.all().delete()
        step_objs = [InternalStep(version=version, **st) for st in steps]
        for step in step_objs:
            step.full_clean(exclude=["version"])
        InternalStep.objects.bulk_create(step_objs)
    audit_record(
        actor=by,
        action="procedure.version_set_content",
        target=version,
        data={
            "papers": None if papers is None else len(papers),
            "fees": None if fees is None else len(fees),
            "steps": None if steps is None else len(steps),
        },
    )
    return version


@transaction.atomic
def version_confirm_flags(*, by: Any, version: ProcedureVersion) -> ProcedureVersion:
    """A person has looked at what the import flagged on this draft and confirms it."""
    ensure_catalogue_admin(by)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    ensure_draft(version)
    if version.duration_kind == DurationKind.UNKNOWN:
        raise ValidationError(_("Hãy chọn đơn vị thời hạn giải quyết trước khi xác nhận."))
    flags = version.review_flags
    version.review_flags = []
    version.save()
    audit_record(
        actor=by,
        action="procedure.version_confirm_flags",
        target=version,
        data={"flags": [f.get("code") for f in flags]},
    )
    return version


def default_step_plan(duration: Decimal, kind: str) -> list[dict[str, Any]]:
    """The usual one-stop plan (receive, appraise, sign, return) with budgets that add up to
    ``duration`` exactly, as publishing requires. For a same-day procedure the day is split in
    quarters; otherwise the counter and the signature take half a day each and the specialist
    the rest."""
    if kind == DurationKind.UNKNOWN:
        raise ValidationError(
            _("Chưa rõ đơn vị thời hạn; hãy chọn đơn vị trước khi dùng quy trình mặc định.")
        )
    total = Decimal(duration)
    if total <= 0:
        raise ValidationError(
            _("Thời hạn giải quyết bằng 0; hãy nhập thời hạn trước khi dùng quy trình mặc định.")
        )
    names = [
        (_("Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý"), StepActor.ONESTOP),
        (_("Thẩm định hồ sơ, trình ký kết quả"), StepActor.SPECIALIST),
        (_("Ký duyệt kết quả"), StepActor.UNIT_LEADER),
        (_("Trả kết quả cho người nộp"), StepActor.ONESTOP),
    ]
    if kind == DurationKind.SAME_DAY or total < 2:
        quarter = (total / 4).quantize(Decimal("0.01"))
        budgets = [quarter, total - 3 * quarter, quarter, quarter]
    else:
        half = Decimal("0.5")
        budgets = [half, total - 3 * half, half, half]
    return [
        {"order": i, "name": str(n), "actor": a, "budget": b}
        for i, ((n, a), b) in enumerate(zip(names, budgets, strict=True), start=1)
    ]


@transaction.atomic
def version_accept_default_steps(*, by: Any, version: ProcedureVersion) -> ProcedureVersion:
    """One click: give a draft the default plan (default_step_plan): one without internal
    steps, or one whose steps (copied from the version in force) no longer add up to its new
    deadline; the steps it had are replaced."""
    ensure_catalogue_admin(by)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    ensure_draft(version)
    plan = default_step_plan(version.duration, version.duration_kind)
    version.internal_steps.all().delete()
    InternalStep.objects.bulk_create([InternalStep(version=version, **step) for step in plan])
    audit_record(
        actor=by,
        action="procedure.version_accept_default_steps",
        target=version,
        data={"steps": len(plan)},
    )
    return version
