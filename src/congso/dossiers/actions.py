"""The registry of dossier actions (ADR 0057). Each action is one object holding everything
about it: its status moves and stages (from the tables in workflow.py), the roles that may
take it and the units where they must be held, the extra conditions of the dossier, its
typed input (files included), the ``dossier_<verb>`` service that carries it out, its form
partial, and whether it moves the dossier forward (the form opened first).

``available(dossier, staff)`` asks exactly the question the service asks before it changes
anything (``ensure``): the detail page shows a button, and the API lists an action, only
when the service would accept it. Views, the API, the demo and the tests loop over
``REGISTRY``; adding an action is one entry here, one service and one partial
(docs/dossiers.md, "Add an action")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from congso.core import limits
from congso.core import registry as core_registry
from congso.org import policy
from congso.org.models import Role, Staff, Unit, UnitKind

from . import deadlines, fees
from .models import Apology, Dossier, Handover, ReturnMethod, Supplement
from .workflow import (
    ACTION_LABELS,
    ACTION_STAGES,
    PREVIOUS,
    TRANSITIONS,
    Stage,
    Status,
    ensure_stage,
    next_status,
)

R = Role


class StaleDossier(ValidationError):
    """The dossier changed since the caller read it (its version moved on): nothing is done.
    The API answers 409, the browser shows the fresh page with this message."""

    def __init__(self, current: int) -> None:
        super().__init__(
            _(
                "Hồ sơ đã được cập nhật sau khi bạn mở trang (phiên bản hiện tại: %(v)s); "
                "thao tác không được thực hiện. Hãy xem lại hồ sơ rồi thao tác lại."
            )
            % {"v": current}
        )
        self.current = current


# ---------------------------------------------------------------------------------------------
# Typed inputs: one schema per action (the API's request bodies; the browser forms are parsed
# into the same schema). ``version`` is the dossier version the caller was shown.


class ActionIn(Schema):
    version: int | None = Field(
        None, title="Phiên bản hồ sơ đã xem (tùy chọn; có thể gửi If-Match)"
    )


class NoteIn(ActionIn):
    note: str = Field("", title="Ghi chú", max_length=limits.NOTE)


class ReasonIn(ActionIn):
    reason: str = Field("", title="Lý do", max_length=limits.REASON)


class MissingIn(ActionIn):
    missing: str = Field("", title="Giấy tờ cần bổ sung", max_length=limits.MISSING)


class SupplementRequestIn(MissingIn):
    reason: str = Field("", title="Lý do", max_length=limits.REASON)


class ApologiseIn(ReasonIn):
    new_due_at: dt.datetime = Field(title="Ngày giờ hẹn mới")


class HandOverIn(NoteIn):
    to_unit_id: int = Field(title="Đơn vị nhận")


class ForwardIn(NoteIn):
    to_agency_id: int = Field(title="Cơ quan cấp trên nhận liên thông")


class AssignIn(NoteIn):
    specialist_id: int = Field(title="Chuyên viên thụ lý")


class SubmitIn(NoteIn):
    findings: str = Field("", title="Kết quả thẩm định", max_length=limits.REVIEW)
    result_draft: str = Field("", title="Dự thảo kết quả", max_length=limits.REVIEW)


class RecordResultIn(ActionIn):
    result_number: str = Field("", title="Số, ký hiệu kết quả", max_length=60)
    result_summary: str = Field(
        "", title="Kết quả giải quyết (in cho người nộp)", max_length=limits.REVIEW
    )
    include_findings: bool = Field(
        False, title="In kèm kết quả thẩm định trong kết quả trả người nộp"
    )


class SignResultIn(ActionIn):
    pin: str = Field("", title="Mã PIN ký số", max_length=16, json_schema_extra={"writeOnly": True})


class ReturnResultIn(ActionIn):
    method: str = Field(ReturnMethod.COUNTER, title="Hình thức trả", max_length=20)
    collected_by: str = Field("", title="Người nhận kết quả", max_length=limits.NAME)


class RequestPaymentIn(NoteIn):
    amount: int = Field(0, title="Số tiền (đồng)")
    quantity: int = Field(
        1, ge=1, le=100_000, title="Số trang, bản, trường hợp tính phí (thủ tục thu theo đơn vị)"
    )
    override_reason: str = Field(
        "", title="Lý do thu vượt biểu phí, lệ phí", max_length=limits.REASON
    )


class PaymentConfirmedIn(ActionIn):
    reference: str = Field("", title="Số biên lai", max_length=100)


# ---------------------------------------------------------------------------------------------
# Where the roles must be held (ADR 0059): a role counts at a unit when it is held there or
# above it, but only within the unit's own agency. A district's officers therefore act on a
# ward's dossier only once it has been forwarded to the district (liên thông), and a ward's
# only while it is at the ward.

Place = tuple[Unit, Unit]  # (unit, the agency it belongs to)


def _agency_of(dossier: Dossier, unit: Unit) -> Unit:
    """The agency of one of the dossier's units, from the paths (no query): the deepest of the
    receiving and the deciding agency that contains it."""
    best = None
    for agency in (dossier.agency, dossier.processing_agency):
        if unit.path.startswith(agency.path) and (
            best is None or len(agency.path) > len(best.path)
        ):
            best = agency
    return best or unit.agency()


def receiving_place(dossier: Dossier) -> list[Place]:
    return [(dossier.receiving_unit, dossier.agency)]


def deciding_place(dossier: Dossier) -> list[Place]:
    return [(dossier.processing_agency, dossier.processing_agency)]


def handling_place(dossier: Dossier) -> list[Place]:
    return [(dossier.handling_unit, _agency_of(dossier, dossier.handling_unit))]


def desk_of(agency: Unit) -> Unit:
    """The one-stop desk of an agency; a ward receives at its own committee."""
    desk = Unit.objects.filter(
        parent=agency, kind=UnitKind.ONESTOP, dissolved_at__isnull=True
    ).first()
    return desk or agency


def any_desk_place(dossier: Dossier) -> list[Place]:
    """Papers and fees may come in where the dossier is, at the receiving desk, or at the
    deciding agency's desk."""
    return [
        *handling_place(dossier),
        *receiving_place(dossier),
        (desk_of(dossier.processing_agency), dossier.processing_agency),
    ]


def refuse_place(dossier: Dossier) -> list[Place]:
    return receiving_place(dossier) if dossier.status == Status.NEW else deciding_place(dossier)


# ---------------------------------------------------------------------------------------------
# Conditions beyond status, stage and role: each raises the service's own refusal.

Condition = Callable[[Dossier, Staff, dt.datetime], None]


def _not_forwarded(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if dossier.forwarded:
        raise ValidationError(_("Hồ sơ đã được chuyển liên thông."))
    if not any(u.is_agency for u in dossier.agency.ancestors()):
        raise ValidationError(_("Không có cơ quan cấp trên để chuyển liên thông."))


def _at_deciding_agency(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if not dossier.forwarded or dossier.handling_unit_id == dossier.receiving_unit_id:
        raise ValidationError(_("Hồ sơ không phải hồ sơ liên thông đang ở cơ quan giải quyết."))


def _back_at_receiving_desk(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if dossier.handling_unit_id != dossier.receiving_unit_id:
        raise ValidationError(
            _("Kết quả hồ sơ liên thông phải được chuyển về nơi tiếp nhận trước.")
        )
    if (
        dossier.fee_total
        and not dossier.fee_paid
        and dossier.history.filter(action="request_payment").exists()
    ):
        raise ValidationError(_("Hồ sơ chưa hoàn thành nghĩa vụ tài chính."))


def _assigned_to_caller(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if (
        dossier.handler_id
        and dossier.handler_id != by.pk
        and not policy.may(
            by.user,
            "dossier.take_over",
            dossier.handling_unit,
            agency=_agency_of(dossier, dossier.handling_unit),
        )
    ):
        raise PermissionDenied(_("Hồ sơ được phân công cho cán bộ khác."))


def last_submission(dossier: Dossier) -> Handover | None:
    return dossier.handovers.filter(action="submit").order_by("-sent_at", "-pk").first()


def _was_submitted(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if last_submission(dossier) is None:
        raise ValidationError(_("Không tìm thấy lần trình trước."))


def _may_apologise(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if Apology.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Hồ sơ đã có phiếu xin lỗi; ngày hẹn chỉ được điều chỉnh một lần."))
    if (
        dossier.due_at is None
        or deadlines.working_days_between(dossier.agency, at, dossier.due_at) < 1
    ):
        raise ValidationError(
            _("Phiếu xin lỗi phải ban hành trước hạn trả ít nhất một ngày làm việc.")
        )


def _may_request_supplement(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if (
        dossier.procedure_version.supplement_once
        and dossier.supplements.filter(during_processing=True).exists()
    ):
        raise ValidationError(_("Thủ tục này chỉ cho phép yêu cầu bổ sung hồ sơ một lần."))


def _released_to_applicant(dossier: Dossier) -> bool:
    """The applicant has already downloaded the electronic result (eservices keeps it, signed
    by the agency at that moment, ADR 0073): it is not signed again."""
    try:
        dossier.electronic_result  # noqa: B018 - the reverse one-to-one of eservices
    except ObjectDoesNotExist:
        return False
    return True


def _result_signable(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if dossier.result_signed:
        raise ValidationError(_("Kết quả đã được ký số."))
    if not (dossier.result_file and (dossier.result_file.name or "").lower().endswith(".pdf")):
        raise ValidationError(
            _("Chưa có tệp kết quả PDF để ký số; văn thư ghi tệp kết quả khi vào số, ban hành.")
        )
    if _released_to_applicant(dossier):
        raise ValidationError(
            _("Kết quả đã được phát hành cho người nộp (ký số của cơ quan); không ký lại.")
        )


def open_supplement(dossier: Dossier) -> Supplement | None:
    return (
        dossier.supplements.filter(during_processing=True, received_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )


def _supplement_waiting(dossier: Dossier, by: Staff, at: dt.datetime) -> None:
    if open_supplement(dossier) is None or dossier.paused_at is None or dossier.due_at is None:
        raise ValidationError(_("Không có yêu cầu bổ sung đang chờ."))


def needs_forward(dossier: Dossier) -> bool:
    """A district procedure received at a ward, or one with an open liên thông step, goes up
    first: then forwarding is what moves the dossier on."""
    return not dossier.forwarded and (
        dossier.procedure_version.procedure.level != dossier.agency.kind
        or dossier.steps.filter(actor="upper_agency", finished_at__isnull=True).exists()
    )


# ---------------------------------------------------------------------------------------------
# Choices the forms offer: the same rules the services check.


def hand_over_targets(dossier: Dossier) -> list[Unit]:
    """The deciding agency's departments (a ward has none: its own committee)."""
    agency = dossier.processing_agency
    units = list(
        Unit.objects.filter(parent=agency, kind=UnitKind.DEPARTMENT, dissolved_at__isnull=True)
    )
    return [agency, *units] if agency.kind == UnitKind.WARD or not units else units


def assignable_staff(dossier: Dossier) -> list[Staff]:
    """Who a department head may assign: specialists and heads holding their role at the
    handling unit or above it within its agency (the rule dossier_assign checks)."""
    unit = dossier.handling_unit
    agency = _agency_of(dossier, unit)
    path = [int(p) for p in unit.path.strip("/").split("/") if p]
    ids = path[path.index(agency.pk) :] if agency.pk in path else [unit.pk]
    return list(
        Staff.objects.filter(
            roles__role__in=[R.SPECIALIST, R.DEPARTMENT_HEAD],
            roles__unit_id__in=ids,
            is_active=True,
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def upper_agencies(dossier: Dossier) -> list[Unit]:
    return [u for u in reversed(dossier.agency.ancestors()) if u.is_agency]


# ---------------------------------------------------------------------------------------------
# Arguments: the typed input (and files) as the service's keyword arguments.

Arguments = Callable[[Dossier, Any, Mapping[str, UploadedFile]], dict[str, Any]]


def _plain(dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]) -> dict[str, Any]:
    return data.dict(exclude={"version"})


def _choice(model_rows: list[Any], pk: int, message: str) -> Any:
    for row in model_rows:
        if row.pk == pk:
            return row
    raise ValidationError(message)


def _hand_over_args(
    dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]
) -> dict[str, Any]:
    unit = Unit.objects.filter(pk=data.to_unit_id).first()
    if unit is None:
        raise ValidationError(_("Cần chọn đơn vị nhận."))
    return {"to_unit": unit, "note": data.note}


def _forward_args(dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]) -> dict[str, Any]:
    agency = _choice(
        upper_agencies(dossier),
        data.to_agency_id,
        _("Chỉ chuyển liên thông lên cơ quan cấp trên của nơi tiếp nhận."),
    )
    return {"to_agency": agency, "note": data.note}


def _assign_args(dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]) -> dict[str, Any]:
    staff = (
        Staff.objects.select_related("user").filter(pk=data.specialist_id, is_active=True).first()
    )
    if staff is None:
        raise ValidationError(_("Cần chọn chuyên viên thụ lý."))
    return {"specialist": staff, "note": data.note}


def _apologise_args(
    dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]
) -> dict[str, Any]:
    new_due = data.new_due_at
    if timezone.is_naive(new_due):
        new_due = timezone.make_aware(new_due)
    return {"reason": data.reason, "new_due_at": new_due}


def _record_result_args(
    dossier: Dossier, data: Any, files: Mapping[str, UploadedFile]
) -> dict[str, Any]:
    return {**data.dict(exclude={"version"}), "result_file": files.get("result_file") or None}


# ---------------------------------------------------------------------------------------------
# The action object and the registry


@dataclass(eq=False)
class DossierAction:
    """One dossier action. ``moves``/``stages`` come from workflow.py; the rest is here."""

    name: str
    roles: frozenset[str]
    input: type[ActionIn]
    places: Callable[[Dossier], list[Place]] = handling_place
    condition: Condition | None = None
    arguments: Arguments = _plain
    files: tuple[str, ...] = ()
    moves_on: bool | Callable[[Dossier], bool] = False
    template: str = "dossiers/actions/_note.html"
    context: Callable[[Dossier], dict[str, Any]] | None = None
    service: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def label(self) -> Promise:
        return ACTION_LABELS[self.name]

    @property
    def permission(self) -> str:
        """Its row in the permission policy (congso.org.policy): ``dossier.<name>``."""
        return f"dossier.{self.name}"

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    @property
    def moves(self) -> dict[int, int]:
        """from status -> to status (``PREVIOUS``: back to the status before the fee)."""
        return {status: by[self.name] for status, by in TRANSITIONS.items() if self.name in by}

    @property
    def stages(self) -> set[str] | None:
        return ACTION_STAGES[self.name]

    def leads(self, dossier: Dossier) -> bool:
        return self.moves_on(dossier) if callable(self.moves_on) else self.moves_on

    def ensure(self, dossier: Dossier, by: Staff, at: dt.datetime | None = None) -> None:
        """Raise the refusal the service gives (ValidationError or PermissionDenied), or
        return when ``by`` may take the action on ``dossier`` now. The services call this on
        the locked row; ``available`` on the row the page shows."""
        next_status(dossier.status, self.name, previous=dossier.status_before_payment)
        ensure_stage(dossier.stage, self.name)
        policy.ensure_at(by.user, self.permission, self.places(dossier))
        if self.condition is not None:
            self.condition(dossier, by, at or timezone.now())

    def available(self, dossier: Dossier, staff: Staff | None) -> bool:
        if staff is None:
            return False
        try:
            self.ensure(dossier, staff)
        except (ValidationError, PermissionDenied):
            return False
        return True

    def parse(self, data: Mapping[str, Any]) -> ActionIn:
        """A browser form (or any mapping of strings) as this action's typed input; empty
        fields count as not given. Bad input: a Vietnamese ValidationError naming the field."""
        return core_registry.parse_input(  # type: ignore[no-any-return]
            self.input, data, message=_("Dữ liệu nhập không hợp lệ: %(fields)s.")
        )

    def run(
        self,
        dossier: Dossier,
        by: Staff,
        data: ActionIn,
        files: Mapping[str, UploadedFile] | None = None,
    ) -> Any:
        """Call the action's service with the typed input (the service checks everything)."""
        if self.service is None:
            raise RuntimeError(f"no service registered for {self.name}")
        kwargs = self.arguments(dossier, data, files or {})
        return self.service(dossier=dossier, by=by, version=data.version, **kwargs)

    def form_context(self, dossier: Dossier) -> dict[str, Any]:
        return self.context(dossier) if self.context else {}


class ActionRegistry(core_registry.ActionRegistry[DossierAction]):
    """The dossier actions in the order the detail page lists them (forward-moving first)."""

    def check(self, action: DossierAction) -> None:
        if action.name not in ACTION_STAGES:
            raise ValueError(f"action {action.name} is not in workflow.TRANSITIONS")

    def register(self, action: DossierAction) -> DossierAction:
        super().register(action)
        policy.define(action.permission, action.roles, policy.Reach.ACT)
        return action

    def available_for(self, dossier: Dossier, staff: Staff | None) -> list[DossierAction]:
        """The actions ``staff`` may take now, the one that moves the dossier on first."""
        found = [a for a in self if a.available(dossier, staff)]
        return sorted(found, key=lambda a: 0 if a.leads(dossier) else 1)


REGISTRY = ActionRegistry()
ONESTOP = frozenset({R.ONESTOP_OFFICER})
# Beyond the registry's actions: receiving a new dossier at a desk (the intake services), and a
# department head taking over a dossier assigned to somebody else.
policy.define("dossier.receive", ONESTOP, policy.Reach.ACT)
policy.define("dossier.take_over", {R.DEPARTMENT_HEAD}, policy.Reach.ACT)
T = "dossiers/actions/"


def _register(*actions: DossierAction) -> None:
    for action in actions:
        REGISTRY.register(action)


_register(
    # Forward-moving actions, in the order a dossier meets them.
    DossierAction(
        "accept",
        ONESTOP,
        ActionIn,
        places=receiving_place,
        moves_on=True,
        template=T + "_confirm.html",
    ),
    DossierAction(
        "forward",
        ONESTOP,
        ForwardIn,
        condition=_not_forwarded,
        arguments=_forward_args,
        moves_on=needs_forward,
        template=T + "forward.html",
        context=lambda d: {"upper_agencies": upper_agencies(d)},
    ),
    DossierAction(
        "hand_over",
        frozenset({R.ONESTOP_OFFICER, R.DEPARTMENT_HEAD}),
        HandOverIn,
        arguments=_hand_over_args,
        # At the desk handing over is the next step; in a department it is re-routing, and
        # the head's next step is assigning (the form opened first).
        moves_on=lambda d: d.stage == Stage.DESK and not needs_forward(d),
        template=T + "hand_over.html",
        context=lambda d: {"targets": hand_over_targets(d), "default": default_department(d)},
    ),
    DossierAction(
        "assign",
        frozenset({R.DEPARTMENT_HEAD}),
        AssignIn,
        arguments=_assign_args,
        moves_on=True,
        template=T + "assign.html",
        context=lambda d: {"specialists": assignable_staff(d)},
    ),
    DossierAction(
        "submit",
        frozenset({R.SPECIALIST, R.DEPARTMENT_HEAD}),
        SubmitIn,
        condition=_assigned_to_caller,
        moves_on=True,
        template=T + "submit.html",
    ),
    DossierAction("approve", frozenset({R.UNIT_LEADER}), NoteIn, moves_on=True),
    DossierAction(
        "record_result",
        frozenset({R.RECORDS_CLERK}),
        RecordResultIn,
        arguments=_record_result_args,
        files=("result_file",),
        moves_on=True,
        template=T + "record_result.html",
    ),
    DossierAction(
        "sign_result",
        frozenset({R.UNIT_LEADER}),
        SignResultIn,
        places=deciding_place,
        condition=_result_signable,
        moves_on=True,
        template=T + "sign_result.html",
    ),
    DossierAction(
        "return_to_desk", frozenset({R.RECORDS_CLERK, R.DEPARTMENT_HEAD}), NoteIn, moves_on=True
    ),
    DossierAction(
        "return_forwarded", ONESTOP, NoteIn, condition=_at_deciding_agency, moves_on=True
    ),
    DossierAction(
        "return_result",
        ONESTOP,
        ReturnResultIn,
        places=receiving_place,
        condition=_back_at_receiving_desk,
        moves_on=True,
        template=T + "return_result.html",
        context=lambda d: {"methods": ReturnMethod.choices},
    ),
    DossierAction(
        "supplement_receive",
        frozenset({R.ONESTOP_OFFICER, R.SPECIALIST, R.DEPARTMENT_HEAD}),
        NoteIn,
        places=any_desk_place,
        condition=_supplement_waiting,
        moves_on=True,
    ),
    DossierAction(
        "payment_confirmed",
        ONESTOP,
        PaymentConfirmedIn,
        places=any_desk_place,
        moves_on=True,
        template=T + "payment_confirmed.html",
    ),
    # Actions that hold the dossier, send it back or end it.
    DossierAction(
        "request_completion",
        ONESTOP,
        MissingIn,
        places=receiving_place,
        template=T + "missing.html",
    ),
    DossierAction(
        "supplement_request",
        frozenset({R.SPECIALIST, R.DEPARTMENT_HEAD}),
        SupplementRequestIn,
        condition=_may_request_supplement,
        template=T + "missing.html",
    ),
    DossierAction(
        "request_payment",
        # Leaders too: above the fee table only a department head or a leader may ask
        # (``dossier.fee_override``), and a ward has no department head.
        frozenset({R.ONESTOP_OFFICER, R.SPECIALIST, R.DEPARTMENT_HEAD, R.UNIT_LEADER}),
        RequestPaymentIn,
        places=any_desk_place,
        template=T + "request_payment.html",
        context=lambda d: {"ceiling": fees.fee_ceiling(d.procedure_version)},
    ),
    DossierAction(
        "apologise",
        frozenset({R.UNIT_LEADER}),
        ApologiseIn,
        places=deciding_place,
        condition=_may_apologise,
        arguments=_apologise_args,
        template=T + "apologise.html",
    ),
    DossierAction(
        "send_back",
        frozenset({R.UNIT_LEADER}),
        NoteIn,
        condition=_was_submitted,
        template=T + "send_back.html",
    ),
    DossierAction(
        "refuse",
        frozenset({R.ONESTOP_OFFICER, R.UNIT_LEADER}),
        ReasonIn,
        places=refuse_place,
        template=T + "_reason.html",
    ),
    DossierAction(
        "withdraw", ONESTOP, ReasonIn, places=receiving_place, template=T + "_reason.html"
    ),
    DossierAction(
        "stop",
        frozenset({R.UNIT_LEADER}),
        ReasonIn,
        places=deciding_place,
        template=T + "_reason.html",
    ),
)


def default_department(dossier: Dossier) -> Unit | None:
    """The department named by the next internal step that has one (preselected)."""
    targets = hand_over_targets(dossier)
    for step in dossier.steps.filter(finished_at__isnull=True).order_by("order"):
        if step.department:
            return next((u for u in targets if u.abbreviation == step.department), None)
    return targets[0] if dossier.processing_agency.kind == UnitKind.WARD and targets else None


# The refusal reasons of the intake services, which are not registry actions (they create the
# dossier): the receiving desk's one-stop officers.
def ensure_receives(by: Staff, unit: Unit) -> None:
    policy.ensure(by.user, "dossier.receive", unit, agency=unit.agency())


__all__ = ["PREVIOUS", "REGISTRY", "ActionRegistry", "DossierAction", "Stage", "StaleDossier"]
