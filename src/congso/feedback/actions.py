"""The registry of feedback actions, built as the dossier registry is (ADR 0057): each action
is one object with its status moves (workflow.TRANSITIONS), the permission it needs
(``feedback.<name>`` in congso.org.policy) and the unit where that must be held, its extra
conditions, its typed input, its ``case_<verb>`` service and its form partial.
``available(case, staff)`` asks exactly what the service asks before changing anything, so
the detail page, the API and the tests agree with the services by construction.

The sender's own steps (rating, reopening) are services in services.py checked against the
same transition table; they are not staff actions and need no role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from congso.core import limits
from congso.core import registry as core_registry
from congso.org import policy
from congso.org.models import Staff, Unit, UnitKind

from . import deadlines
from .models import Case, Kind, Status
from .services import _plain_text, audit, history, set_due, tell_sender
from .workflow import ACTION_LABELS, TRANSITIONS, next_status


class StaleCase(ValidationError):
    def __init__(self, current: int) -> None:
        super().__init__(
            _(
                "Phản ánh đã được cập nhật sau khi bạn mở trang (phiên bản %(v)s); thao tác "
                "không được thực hiện. Hãy xem lại rồi thao tác lại."
            )
            % {"v": current}
        )
        self.current = current


# ---------------------------------------------------------------------------------------------
# Typed inputs


class ActionIn(Schema):
    version: int | None = Field(None, title="Phiên bản phản ánh đã xem (tùy chọn)")


class NoteIn(ActionIn):
    note: str = Field("", title="Ghi chú", max_length=limits.NOTE)


class ReasonIn(ActionIn):
    reason: str = Field(title="Lý do", min_length=1, max_length=limits.REASON)


class ClassifyIn(NoteIn):
    kind: str = Field(title="Loại", max_length=16)
    field_id: int | None = Field(None, title="Lĩnh vực")
    procedure_id: int | None = Field(None, title="Thủ tục")


class RouteIn(NoteIn):
    to_unit_id: int = Field(title="Đơn vị xử lý")


class ForwardOutIn(NoteIn):
    agency_name: str = Field(title="Cơ quan có thẩm quyền", min_length=2, max_length=limits.NAME)
    letter_number: str = Field(title="Số văn bản chuyển", min_length=1, max_length=60)


class RefuseIn(ReasonIn):
    ground: str = Field(title="Căn cứ", max_length=20)


class MergeIn(NoteIn):
    into_code: str = Field(title="Mã phản ánh giữ lại", min_length=5, max_length=40)


class DraftIn(NoteIn):
    answer: str = Field(title="Nội dung trả lời", min_length=1, max_length=limits.REVIEW)


class PublishIn(ActionIn):
    public_question: str = Field("", title="Câu hỏi công khai", max_length=limits.EFORM_TEXT)
    public_answer: str = Field("", title="Trả lời công khai", max_length=limits.REVIEW)
    redaction_confirmed: bool = Field(False, title="Xác nhận đã xóa thông tin cá nhân")


class ApproveIn(PublishIn):
    answer: str = Field("", title="Nội dung trả lời", max_length=limits.REVIEW)
    publish: bool = Field(False, title="Công khai trên Hỏi đáp")
    note: str = Field("", title="Ghi chú", max_length=limits.NOTE)


REFUSAL_GROUNDS = {
    "out_of_scope": _("Không thuộc phạm vi tiếp nhận (khiếu nại, tố cáo, tranh chấp dân sự…)"),
    "abusive": _("Nội dung xúc phạm, không có thông tin để xử lý"),
    "anonymous": _("Không có thông tin liên hệ để trả lời"),
}


# ---------------------------------------------------------------------------------------------
# Where the roles must be held, and choices the forms offer


def triage_place(case: Case) -> Unit:
    return case.triage_unit


def handling_place(case: Case) -> Unit:
    return case.handling_unit or case.triage_unit


def route_targets(case: Case) -> list[Unit]:
    """The triage agency itself and its departments."""
    agency = case.triage_unit
    units = list(
        Unit.objects.filter(parent=agency, kind=UnitKind.DEPARTMENT, dissolved_at__isnull=True)
    )
    return [agency, *units]


def forward_targets(case: Case) -> list[Unit]:
    """Other agencies inside CongSo and their departments (the competent agency)."""
    agency = case.triage_unit
    return list(
        Unit.objects.filter(
            kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.DEPARTMENT],
            dissolved_at__isnull=True,
        )
        .exclude(pk=agency.pk)
        .exclude(parent=agency)
        .order_by("path")
    )


# ---------------------------------------------------------------------------------------------
# Conditions beyond status and role

Condition = Callable[[Case, Staff, dt.datetime], None]


def _not_extended(case: Case, by: Staff, at: dt.datetime) -> None:
    if case.extended_at is not None:
        raise ValidationError(_("Phản ánh đã được gia hạn một lần; không gia hạn thêm."))
    if case.due_at is None:
        raise ValidationError(_("Phản ánh chưa có hạn trả lời."))


def _publishable(case: Case, by: Staff, at: dt.datetime) -> None:
    if not case.consent_publish:
        raise ValidationError(_("Người gửi không đồng ý công khai; không được đăng lên Hỏi đáp."))
    if case.published_at is not None:
        raise ValidationError(_("Câu trả lời đã được công khai."))


def _published(case: Case, by: Staff, at: dt.datetime) -> None:
    if case.published_at is None:
        raise ValidationError(_("Câu trả lời chưa được công khai."))


# ---------------------------------------------------------------------------------------------
# The action object and the registry

Arguments = Callable[[Case, Any], dict[str, Any]]


def _plain(case: Case, data: Any) -> dict[str, Any]:
    return dict(data.dict(exclude={"version"}))


@dataclass(eq=False)
class CaseAction:
    name: str
    input: type[ActionIn]
    place: Callable[[Case], Unit] = handling_place
    condition: Condition | None = None
    arguments: Arguments = _plain
    moves_on: bool = False
    template: str = "feedback/actions/_note.html"
    context: Callable[[Case], dict[str, Any]] | None = None
    service: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def label(self) -> Promise:
        return ACTION_LABELS[self.name]  # type: ignore[return-value]

    @property
    def permission(self) -> str:
        return f"feedback.{self.name}"

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    def ensure(self, case: Case, by: Staff, at: dt.datetime | None = None) -> None:
        next_status(case.status, self.name)
        unit = self.place(case)
        policy.ensure(by.user, self.permission, unit, agency=unit.agency())
        if self.condition is not None:
            self.condition(case, by, at or timezone.now())

    def available(self, case: Case, staff: Staff | None) -> bool:
        if staff is None:
            return False
        try:
            self.ensure(case, staff)
        except (ValidationError, PermissionDenied):
            return False
        return True

    def parse(self, data: Mapping[str, Any]) -> ActionIn:
        return core_registry.parse_input(  # type: ignore[no-any-return]
            self.input,
            data,
            message=_("Dữ liệu nhập không hợp lệ hoặc còn thiếu: %(fields)s."),
            checkboxes=True,
        )

    def run(self, case: Case, by: Staff, data: ActionIn) -> Any:
        if self.service is None:
            raise RuntimeError(f"no service registered for {self.name}")
        return self.service(case=case, by=by, version=data.version, **self.arguments(case, data))

    def form_context(self, case: Case) -> dict[str, Any]:
        return self.context(case) if self.context else {}


class ActionRegistry(core_registry.ActionRegistry[CaseAction]):
    def check(self, action: CaseAction) -> None:
        if not any(action.name in moves for moves in TRANSITIONS.values()):
            raise ValueError(f"action {action.name} is not in workflow.TRANSITIONS")
        if action.permission not in policy.RULES:
            raise ValueError(f"{action.permission} has no rule in congso.org.policy")

    def by_slug(self, slug: str) -> CaseAction | None:
        return self._actions.get(slug.replace("-", "_"))

    def available_for(self, case: Case, staff: Staff | None) -> list[CaseAction]:
        found = [a for a in self if a.available(case, staff)]
        return sorted(found, key=lambda a: 0 if a.moves_on else 1)


REGISTRY = ActionRegistry()
T = "feedback/actions/"


def _unit_args(case: Case, data: Any) -> dict[str, Any]:
    unit = Unit.objects.filter(pk=data.to_unit_id, dissolved_at__isnull=True).first()
    if unit is None:
        raise ValidationError(_("Cần chọn đơn vị nhận."))
    return {"to_unit": unit, "note": data.note}


for _action in (
    CaseAction(
        "route",
        RouteIn,
        place=triage_place,
        arguments=_unit_args,
        moves_on=True,
        template=T + "route.html",
        context=lambda c: {"targets": route_targets(c)},
    ),
    CaseAction(
        "forward",
        RouteIn,
        place=triage_place,
        arguments=_unit_args,
        template=T + "route.html",
        context=lambda c: {"targets": forward_targets(c)},
    ),
    CaseAction("forward_out", ForwardOutIn, place=triage_place, template=T + "forward_out.html"),
    CaseAction(
        "classify",
        ClassifyIn,
        template=T + "classify.html",
        context=lambda c: {"kinds": Kind.choices},
    ),
    CaseAction("draft", DraftIn, moves_on=True, template=T + "draft.html"),
    CaseAction(
        "approve",
        ApproveIn,
        moves_on=True,
        template=T + "approve.html",
    ),
    CaseAction("send_back", NoteIn, template=T + "_note.html"),
    CaseAction("return_to_triage", ReasonIn, template=T + "_reason.html"),
    CaseAction("extend", ReasonIn, condition=_not_extended, template=T + "_reason.html"),
    CaseAction(
        "refuse",
        RefuseIn,
        place=triage_place,
        template=T + "refuse.html",
        context=lambda c: {"grounds": REFUSAL_GROUNDS},
    ),
    CaseAction("merge", MergeIn, place=triage_place, template=T + "merge.html"),
    CaseAction("publish", PublishIn, condition=_publishable, template=T + "publish.html"),
    CaseAction("unpublish", ReasonIn, condition=_published, template=T + "_reason.html"),
):
    REGISTRY.register(_action)


# ---------------------------------------------------------------------------------------------
# The services: one per action, each locking the case, asking the action, writing history
# and audit, and queueing what the sender is told.


def _begin(
    case: Case, name: str, by: Staff, version: int | None, at: dt.datetime
) -> tuple[Case, str]:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and version != locked.version:
        raise StaleCase(locked.version)
    REGISTRY[name].ensure(locked, by, at)
    return locked, locked.status


def _finish(
    case: Case,
    name: str,
    from_status: str,
    by: Staff,
    at: dt.datetime,
    note: str = "",
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    case.version += 1
    case.save()
    history(case, name, from_status, at=at, by=by, note=note, unit=unit)
    audit(case, name, by, {"from": from_status, **(data or {})})
    return case


def _text(value: str, field_name: str, limit: int) -> str:
    return _plain_text(value, field_name, limit, required=False)


@REGISTRY.implements("classify")
@transaction.atomic
def case_classify(
    *,
    case: Case,
    by: Staff,
    kind: str,
    field_id: int | None = None,
    procedure_id: int | None = None,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Set the kind, field and procedure; a new kind recomputes the due time from the same
    start by the rule of the new kind."""
    now = at or timezone.now()
    case, old = _begin(case, "classify", by, version, now)
    if kind not in Kind.values:
        raise ValidationError(_("Loại phản ánh không hợp lệ."))
    from congso.procedures.models import Field as ProcField
    from congso.procedures.models import Procedure

    case.field = ProcField.objects.filter(pk=field_id).first() if field_id else None
    case.procedure = Procedure.objects.filter(pk=procedure_id).first() if procedure_id else None
    previous = case.kind
    case.kind = kind
    if previous != kind and case.due_from is not None:
        set_due(case, case.due_from, "classify")
    return _finish(case, "classify", old, by, now, note, data={"kind": kind, "previous": previous})


@REGISTRY.implements("route")
@transaction.atomic
def case_route(
    *,
    case: Case,
    by: Staff,
    to_unit: Unit,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Send the case to a department of the triage agency (or the agency itself) to handle."""
    now = at or timezone.now()
    case, old = _begin(case, "route", by, version, now)
    if to_unit.pk not in {u.pk for u in route_targets(case)}:
        raise ValidationError(_("Chỉ chuyển cho phòng chuyên môn thuộc đơn vị mình."))
    case.handling_unit = to_unit
    case.status = Status.PROCESSING
    return _finish(
        case, "route", old, by, now, note, unit=case.triage_unit, data={"to": to_unit.pk}
    )


@REGISTRY.implements("forward")
@transaction.atomic
def case_forward(
    *,
    case: Case,
    by: Staff,
    to_unit: Unit,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Forward to the competent agency inside CongSo (its desk, or straight to one of its
    departments). The decree's 05 working days are judged here; the answer's time then counts
    from the competent agency's receipt, by its level's rule."""
    now = at or timezone.now()
    case, old = _begin(case, "forward", by, version, now)
    if to_unit.pk not in {u.pk for u in forward_targets(case)}:
        raise ValidationError(_("Đơn vị nhận không hợp lệ."))
    from_unit = case.triage_unit
    late = case.forward_due_at is not None and now > case.forward_due_at
    if to_unit.is_agency:
        case.triage_unit, case.handling_unit, case.status = to_unit, None, Status.RECEIVED
    else:
        case.triage_unit, case.handling_unit, case.status = (
            to_unit.agency(),
            to_unit,
            Status.PROCESSING,
        )
    case.forwarded_at = now
    set_due(case, now, "forward")
    if late:
        note = (note + " " if note else "") + _("(chuyển quá hạn 05 ngày làm việc)")
    tell_sender(
        case,
        "feedback.forwarded",
        _("Phản ánh %(code)s được chuyển cơ quan có thẩm quyền") % {"code": case.code},
        _("Phản ánh, kiến nghị %(code)s đã được chuyển đến %(unit)s để xử lý theo thẩm quyền.")
        % {"code": case.code, "unit": to_unit.name},
    )
    return _finish(
        case, "forward", old, by, now, note, unit=from_unit, data={"to": to_unit.pk, "late": late}
    )


@REGISTRY.implements("forward_out")
@transaction.atomic
def case_forward_out(
    *,
    case: Case,
    by: Staff,
    agency_name: str,
    letter_number: str,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Forward to a competent agency outside CongSo with a letter: the case ends here."""
    now = at or timezone.now()
    case, old = _begin(case, "forward_out", by, version, now)
    case.forwarded_out_to = _text(agency_name, "agency_name", limits.NAME)
    case.forward_letter = _text(letter_number, "letter_number", 60)
    case.forwarded_at = now
    case.status = Status.FORWARDED_OUT
    tell_sender(
        case,
        "feedback.forwarded",
        _("Phản ánh %(code)s được chuyển cơ quan có thẩm quyền") % {"code": case.code},
        _("Phản ánh, kiến nghị %(code)s đã được chuyển đến %(agency)s (văn bản số %(letter)s).")
        % {"code": case.code, "agency": case.forwarded_out_to, "letter": case.forward_letter},
    )
    return _finish(
        case, "forward_out", old, by, now, note, data={"to": agency_name, "letter": letter_number}
    )


@REGISTRY.implements("refuse")
@transaction.atomic
def case_refuse(
    *,
    case: Case,
    by: Staff,
    ground: str,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "refuse", by, version, now)
    if ground not in REFUSAL_GROUNDS:
        raise ValidationError(_("Cần chọn căn cứ không tiếp nhận."))
    case.refusal_reason = _text(reason, "reason", limits.REASON)
    case.status = Status.REFUSED
    tell_sender(
        case,
        "feedback.refused",
        _("Phản ánh %(code)s không được tiếp nhận xử lý") % {"code": case.code},
        _("Phản ánh, kiến nghị %(code)s không được tiếp nhận xử lý: %(ground)s. %(reason)s")
        % {"code": case.code, "ground": REFUSAL_GROUNDS[ground], "reason": case.refusal_reason},
    )
    return _finish(case, "refuse", old, by, now, case.refusal_reason, data={"ground": ground})


@REGISTRY.implements("merge")
@transaction.atomic
def case_merge(
    *,
    case: Case,
    by: Staff,
    into_code: str,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """A duplicate joins the case kept (open, at the same triage agency); its sender is told
    the kept case's code and will receive that answer."""
    now = at or timezone.now()
    case, old = _begin(case, "merge", by, version, now)
    target = (
        Case.objects.filter(code=into_code.strip().upper(), triage_unit=case.triage_unit)
        .exclude(pk=case.pk)
        .first()
    )
    if target is None or not target.is_open:
        raise ValidationError(_("Không tìm thấy phản ánh đang xử lý có mã này tại đơn vị."))
    case.merged_into = target
    case.status = Status.MERGED
    tell_sender(
        case,
        "feedback.merged",
        _("Phản ánh %(code)s được gộp xử lý") % {"code": case.code},
        _("Phản ánh %(code)s trùng nội dung với phản ánh %(target)s và được gộp để xử lý chung.")
        % {"code": case.code, "target": target.code},
    )
    return _finish(case, "merge", old, by, now, note, data={"into": target.code})


@REGISTRY.implements("extend")
@transaction.atomic
def case_extend(
    *, case: Case, by: Staff, reason: str, version: int | None = None, at: dt.datetime | None = None
) -> Case:
    """Extend the answer's time once, with a reason, by the extension rule."""
    now = at or timezone.now()
    case, old = _begin(case, "extend", by, version, now)
    assert case.due_at is not None
    ext = deadlines.extend(case.kind, case.current_unit.agency(), case.due_at, now)
    old_due = case.due_at
    case.extended_at = now
    case.extension_reason = _text(reason, "reason", limits.REASON)
    case.due_at = ext.at
    case.due_basis = {**case.due_basis, "extension": ext.basis}
    tell_sender(
        case,
        "feedback.extended",
        _("Gia hạn trả lời phản ánh %(code)s") % {"code": case.code},
        _("Phản ánh %(code)s được gia hạn trả lời đến %(due)s. Lý do: %(reason)s")
        % {
            "code": case.code,
            "due": timezone.localtime(ext.at).strftime("%d/%m/%Y"),
            "reason": case.extension_reason,
        },
    )
    return _finish(
        case,
        "extend",
        old,
        by,
        now,
        case.extension_reason,
        data={"old_due": old_due.isoformat(), "due": ext.at.isoformat()},
    )


@REGISTRY.implements("draft")
@transaction.atomic
def case_draft(
    *,
    case: Case,
    by: Staff,
    answer: str,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "draft", by, version, now)
    case.answer = _text(answer, "answer", limits.REVIEW)
    if not case.answer:
        raise ValidationError({"answer": _("Cần nội dung trả lời.")})
    case.drafted_by = by
    case.handler = by
    case.status = Status.AWAITING_APPROVAL
    return _finish(case, "draft", old, by, now, note)


@REGISTRY.implements("send_back")
@transaction.atomic
def case_send_back(
    *,
    case: Case,
    by: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "send_back", by, version, now)
    case.status = Status.PROCESSING
    return _finish(case, "send_back", old, by, now, note)


@REGISTRY.implements("return_to_triage")
@transaction.atomic
def case_return_to_triage(
    *, case: Case, by: Staff, reason: str, version: int | None = None, at: dt.datetime | None = None
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "return_to_triage", by, version, now)
    unit = case.handling_unit
    case.handling_unit = None
    case.status = Status.RECEIVED
    return _finish(case, "return_to_triage", old, by, now, reason, unit=unit)


def _public_texts(case: Case, question: str, answer: str, confirmed: bool) -> tuple[str, str]:
    """The redacted texts to publish: the approver confirms personal data is removed, and
    the sender's name, phone and e-mail must not appear in them."""
    question = _text(question, "public_question", limits.EFORM_TEXT)
    answer = _text(answer, "public_answer", limits.REVIEW)
    if not question or not answer:
        raise ValidationError(_("Cần nội dung câu hỏi và trả lời đã biên tập để công khai."))
    if not confirmed:
        raise ValidationError(_("Cần xác nhận đã xóa thông tin cá nhân trước khi công khai."))
    both = f"{question} {answer}".lower()
    for value in (case.sender_phone, case.sender_email, case.sender_name, case.sender_address):
        if value and len(value) > 3 and value.lower() in both:
            raise ValidationError(
                _("Nội dung công khai còn thông tin cá nhân của người gửi (%(v)s); hãy xóa trước.")
                % {"v": value}
            )
    return question, answer


def _publish(
    case: Case, by: Staff, now: dt.datetime, question: str, answer: str, confirmed: bool
) -> None:
    case.public_question, case.public_answer = _public_texts(case, question, answer, confirmed)
    case.published_at = now
    case.redaction_confirmed_by = by


@REGISTRY.implements("approve")
@transaction.atomic
def case_approve(
    *,
    case: Case,
    by: Staff,
    answer: str = "",
    publish: bool = False,
    public_question: str = "",
    public_answer: str = "",
    redaction_confirmed: bool = False,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """The head approves the answer (editing it if needed): it goes to the sender, is judged
    on time or late against the due time, and is published on the receiving agency's Hỏi đáp
    when the sender agreed and the approver confirmed the redaction."""
    now = at or timezone.now()
    case, old = _begin(case, "approve", by, version, now)
    if answer.strip():
        case.answer = _text(answer, "answer", limits.REVIEW)
    if publish:
        _publishable(case, by, now)
        _publish(case, by, now, public_question, public_answer, redaction_confirmed)
    case.status = Status.ANSWERED
    case.approved_by = by
    case.answered_at = now
    case.answered_late = case.due_at is not None and now > case.due_at
    tell_sender(
        case,
        "feedback.answered",
        _("Trả lời phản ánh, kiến nghị %(code)s") % {"code": case.code},
        _(
            "%(unit)s trả lời phản ánh, kiến nghị %(code)s “%(title)s”:\n\n%(answer)s\n\nÔng/bà có thể đánh giá câu trả lời khi tra cứu bằng mã phản ánh."
        )
        % {
            "unit": case.current_unit.name,
            "code": case.code,
            "title": case.title,
            "answer": case.answer,
        },
        _("PAKN %(code)s da duoc tra loi. Tra cuu ma de xem va danh gia.") % {"code": case.code},
    )
    return _finish(
        case, "approve", old, by, now, note, data={"late": case.answered_late, "published": publish}
    )


@REGISTRY.implements("publish")
@transaction.atomic
def case_publish(
    *,
    case: Case,
    by: Staff,
    public_question: str,
    public_answer: str,
    redaction_confirmed: bool = False,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "publish", by, version, now)
    _publish(case, by, now, public_question, public_answer, redaction_confirmed)
    return _finish(case, "publish", old, by, now)


@REGISTRY.implements("unpublish")
@transaction.atomic
def case_unpublish(
    *, case: Case, by: Staff, reason: str, version: int | None = None, at: dt.datetime | None = None
) -> Case:
    now = at or timezone.now()
    case, old = _begin(case, "unpublish", by, version, now)
    case.published_at = None
    return _finish(case, "unpublish", old, by, now, reason)


__all__ = ["REGISTRY", "ActionRegistry", "CaseAction", "StaleCase"]
