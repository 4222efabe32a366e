"""The dossier workflow as data: which action is allowed in which status, what status it
leads to, at which stage inside the agency, and which roles may take it. A test walks every
(status, action) pair of this table, allowed and forbidden."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.org.models import Role

from .models import Stage, Status

S = Status

# PREVIOUS means "the status the dossier had before it started waiting for the fee".
PREVIOUS = 0

# status -> {action: next status}
TRANSITIONS: dict[int, dict[str, int]] = {
    S.NEW: {"accept": S.ACCEPTED, "refuse": S.REFUSED, "request_completion": S.NEW,
            "withdraw": S.WITHDRAWN},
    S.ACCEPTED: {"hand_over": S.PROCESSING, "forward": S.ACCEPTED, "request_payment": S.AWAITING_PAYMENT,
                 "withdraw": S.WITHDRAWN, "stop": S.STOPPED, "apologise": S.ACCEPTED},
    S.PROCESSING: {"hand_over": S.PROCESSING, "forward": S.PROCESSING, "assign": S.PROCESSING,
                   "submit": S.PROCESSING, "send_back": S.PROCESSING, "approve": S.PROCESSING,
                   "record_result": S.RESULT_READY, "supplement_request": S.SUPPLEMENT,
                   "request_payment": S.AWAITING_PAYMENT, "apologise": S.PROCESSING,
                   "refuse": S.REFUSED, "stop": S.STOPPED, "withdraw": S.WITHDRAWN},
    S.SUPPLEMENT: {"supplement_receive": S.PROCESSING, "withdraw": S.WITHDRAWN, "stop": S.STOPPED},
    S.AWAITING_PAYMENT: {"payment_confirmed": PREVIOUS, "withdraw": S.WITHDRAWN, "stop": S.STOPPED},
    S.RESULT_READY: {"return_to_desk": S.RESULT_READY, "return_forwarded": S.RESULT_READY,
                     "return_result": S.RETURNED},
    S.REFUSED: {},
    S.WITHDRAWN: {},
    S.STOPPED: {},
    S.RETURNED: {},
}

ACTIONS = sorted({a for by_action in TRANSITIONS.values() for a in by_action})

# action -> stages in which it makes sense (None: any stage)
ACTION_STAGES: dict[str, set[str] | None] = {
    "accept": {Stage.DESK}, "refuse": None, "request_completion": {Stage.DESK},
    "withdraw": None, "stop": None, "apologise": None,
    "hand_over": {Stage.DESK, Stage.DEPARTMENT}, "forward": {Stage.DESK},
    "assign": {Stage.DEPARTMENT}, "submit": {Stage.SPECIALIST, Stage.DEPARTMENT},
    "send_back": {Stage.LEADER}, "approve": {Stage.LEADER}, "record_result": {Stage.CLERK},
    "supplement_request": {Stage.DEPARTMENT, Stage.SPECIALIST},
    "supplement_receive": None, "request_payment": None, "payment_confirmed": None,
    "return_to_desk": {Stage.CLERK}, "return_forwarded": {Stage.RETURN},
    "return_result": {Stage.RETURN},
}

# action -> roles that may take it at the unit currently handling the dossier
ACTION_ROLES: dict[str, set[str]] = {
    "accept": {Role.ONESTOP_OFFICER}, "refuse": {Role.ONESTOP_OFFICER, Role.UNIT_LEADER},
    "request_completion": {Role.ONESTOP_OFFICER}, "withdraw": {Role.ONESTOP_OFFICER},
    "stop": {Role.UNIT_LEADER}, "apologise": {Role.UNIT_LEADER},
    "hand_over": {Role.ONESTOP_OFFICER, Role.DEPARTMENT_HEAD}, "forward": {Role.ONESTOP_OFFICER},
    "assign": {Role.DEPARTMENT_HEAD}, "submit": {Role.SPECIALIST, Role.DEPARTMENT_HEAD},
    "send_back": {Role.UNIT_LEADER}, "approve": {Role.UNIT_LEADER},
    "record_result": {Role.RECORDS_CLERK},
    "supplement_request": {Role.SPECIALIST, Role.DEPARTMENT_HEAD},
    "supplement_receive": {Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD},
    "request_payment": {Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD},
    "payment_confirmed": {Role.ONESTOP_OFFICER},
    "return_to_desk": {Role.RECORDS_CLERK, Role.DEPARTMENT_HEAD},
    "return_forwarded": {Role.ONESTOP_OFFICER}, "return_result": {Role.ONESTOP_OFFICER},
}

ACTION_LABELS: dict[str, Any] = {
    "accept": gettext_lazy("Tiếp nhận"), "refuse": gettext_lazy("Từ chối"),
    "request_completion": gettext_lazy("Yêu cầu hoàn thiện hồ sơ"),
    "withdraw": gettext_lazy("Rút hồ sơ"), "stop": gettext_lazy("Dừng xử lý"),
    "apologise": gettext_lazy("Xin lỗi, hẹn lại ngày trả"),
    "hand_over": gettext_lazy("Chuyển xử lý"), "forward": gettext_lazy("Chuyển liên thông lên cấp trên"),
    "assign": gettext_lazy("Phân công thụ lý"), "submit": gettext_lazy("Trình duyệt"),
    "send_back": gettext_lazy("Trả lại để xử lý lại"), "approve": gettext_lazy("Duyệt, ký"),
    "record_result": gettext_lazy("Vào số, ban hành kết quả"),
    "supplement_request": gettext_lazy("Yêu cầu bổ sung"),
    "supplement_receive": gettext_lazy("Nhận hồ sơ bổ sung"),
    "request_payment": gettext_lazy("Yêu cầu nộp phí"),
    "payment_confirmed": gettext_lazy("Xác nhận đã nộp phí"),
    "return_to_desk": gettext_lazy("Chuyển kết quả về Bộ phận một cửa"),
    "return_forwarded": gettext_lazy("Chuyển kết quả về nơi tiếp nhận"),
    "return_result": gettext_lazy("Trả kết quả"),
}


EXTRA_LABELS = {"receive": gettext_lazy("Tiếp nhận hồ sơ"),
                "submit_online": gettext_lazy("Nộp hồ sơ trực tuyến")}


def history_label(action: str) -> str:
    return str(ACTION_LABELS.get(action) or EXTRA_LABELS.get(action) or action)


def next_status(status: int, action: str, *, previous: int | None = None) -> int:
    """The status ``action`` leads to from ``status``, or a ValidationError if not allowed."""
    allowed = TRANSITIONS.get(status, {})
    if action not in allowed:
        raise ValidationError(
            _("Không thể thực hiện “%(action)s” khi hồ sơ ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": Status(status).label}
        )
    target = allowed[action]
    if target == PREVIOUS:
        return previous or Status.PROCESSING
    return target


def ensure_stage(stage: str, action: str) -> None:
    stages = ACTION_STAGES[action]
    if stages is not None and stage not in stages:
        raise ValidationError(
            _("Không thể thực hiện “%(action)s” ở khâu “%(stage)s”.")
            % {"action": ACTION_LABELS[action], "stage": Stage(stage).label}
        )


def allowed_actions(status: int, stage: str) -> list[str]:
    return [a for a in TRANSITIONS.get(status, {})
            if ACTION_STAGES[a] is None or stage in ACTION_STAGES[a]]  # type: ignore[operator]
