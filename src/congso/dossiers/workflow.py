"""The dossier workflow as data, below the models: the national status codes, the stage inside
the agency, which action is allowed in which status and stage, and what status it leads to.
Nothing here imports a model, so models, services, the action registry (actions.py) and the
tests all read the same tables without an import cycle. A test walks every (status, action)
pair of the table, allowed and forbidden."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import IntegerChoices, TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(IntegerChoices):
    """National-portal status codes (DOMAIN §4)."""

    NEW = 1, gettext_lazy("Mới tiếp nhận trực tuyến, chờ tiếp nhận")
    ACCEPTED = 2, gettext_lazy("Đã tiếp nhận")
    REFUSED = 3, gettext_lazy("Từ chối")
    PROCESSING = 4, gettext_lazy("Đang xử lý")
    SUPPLEMENT = 5, gettext_lazy("Yêu cầu bổ sung")
    AWAITING_PAYMENT = 6, gettext_lazy("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, gettext_lazy("Công dân rút hồ sơ")
    STOPPED = 8, gettext_lazy("Dừng xử lý")
    RESULT_READY = 9, gettext_lazy("Đã có kết quả")
    RETURNED = 10, gettext_lazy("Đã trả kết quả")


OPEN_STATUSES = [
    Status.NEW,
    Status.ACCEPTED,
    Status.PROCESSING,
    Status.SUPPLEMENT,
    Status.AWAITING_PAYMENT,
    Status.RESULT_READY,
]


class Stage(TextChoices):
    """Where inside the agency the dossier is; the status alone does not say who acts next."""

    DESK = "desk", gettext_lazy("Bộ phận một cửa (chờ chuyển xử lý)")
    DEPARTMENT = "department", gettext_lazy("Phòng chuyên môn (chờ phân công)")
    SPECIALIST = "specialist", gettext_lazy("Chuyên viên thụ lý")
    LEADER = "leader", gettext_lazy("Lãnh đạo (chờ duyệt, ký)")
    CLERK = "clerk", gettext_lazy("Văn thư (chờ vào số, ban hành)")
    RETURN = "return", gettext_lazy("Bộ phận một cửa (chờ trả kết quả)")
    CLOSED = "closed", gettext_lazy("Đã kết thúc")


S = Status

# PREVIOUS means "the status the dossier had before it started waiting for the fee".
PREVIOUS = 0

# status -> {action: next status}
TRANSITIONS: dict[int, dict[str, int]] = {
    S.NEW: {
        "accept": S.ACCEPTED,
        "refuse": S.REFUSED,
        "request_completion": S.NEW,
        "withdraw": S.WITHDRAWN,
    },
    S.ACCEPTED: {
        "hand_over": S.PROCESSING,
        "forward": S.ACCEPTED,
        "request_payment": S.AWAITING_PAYMENT,
        "withdraw": S.WITHDRAWN,
        "stop": S.STOPPED,
        "apologise": S.ACCEPTED,
    },
    S.PROCESSING: {
        "hand_over": S.PROCESSING,
        "forward": S.PROCESSING,
        "assign": S.PROCESSING,
        "submit": S.PROCESSING,
        "send_back": S.PROCESSING,
        "approve": S.PROCESSING,
        "record_result": S.RESULT_READY,
        "supplement_request": S.SUPPLEMENT,
        "request_payment": S.AWAITING_PAYMENT,
        "apologise": S.PROCESSING,
        "refuse": S.REFUSED,
        "stop": S.STOPPED,
        "withdraw": S.WITHDRAWN,
    },
    S.SUPPLEMENT: {"supplement_receive": S.PROCESSING, "withdraw": S.WITHDRAWN, "stop": S.STOPPED},
    S.AWAITING_PAYMENT: {"payment_confirmed": PREVIOUS, "withdraw": S.WITHDRAWN, "stop": S.STOPPED},
    S.RESULT_READY: {
        "sign_result": S.RESULT_READY,
        "return_to_desk": S.RESULT_READY,
        "return_forwarded": S.RESULT_READY,
        "return_result": S.RETURNED,
    },
    S.REFUSED: {},
    S.WITHDRAWN: {},
    S.STOPPED: {},
    S.RETURNED: {},
}

ACTIONS = sorted({a for by_action in TRANSITIONS.values() for a in by_action})

# action -> stages in which it makes sense (None: any stage)
ACTION_STAGES: dict[str, set[str] | None] = {
    "accept": {Stage.DESK},
    "refuse": None,
    "request_completion": {Stage.DESK},
    "withdraw": None,
    "stop": None,
    "apologise": None,
    "hand_over": {Stage.DESK, Stage.DEPARTMENT},
    "forward": {Stage.DESK},
    "assign": {Stage.DEPARTMENT},
    "submit": {Stage.SPECIALIST, Stage.DEPARTMENT},
    "send_back": {Stage.LEADER},
    "approve": {Stage.LEADER},
    "record_result": {Stage.CLERK},
    "sign_result": {Stage.CLERK},
    "supplement_request": {Stage.DEPARTMENT, Stage.SPECIALIST},
    "supplement_receive": None,
    "request_payment": None,
    "payment_confirmed": None,
    "return_to_desk": {Stage.CLERK},
    "return_forwarded": {Stage.RETURN},
    "return_result": {Stage.RETURN},
}

ACTION_LABELS: dict[str, Promise] = {
    "accept": gettext_lazy("Tiếp nhận"),
    "refuse": gettext_lazy("Từ chối"),
    "request_completion": gettext_lazy("Yêu cầu hoàn thiện hồ sơ"),
    "withdraw": gettext_lazy("Rút hồ sơ"),
    "stop": gettext_lazy("Dừng xử lý"),
    "apologise": gettext_lazy("Xin lỗi, hẹn lại ngày trả"),
    "hand_over": gettext_lazy("Chuyển xử lý"),
    "forward": gettext_lazy("Chuyển liên thông lên cấp trên"),
    "assign": gettext_lazy("Phân công thụ lý"),
    "submit": gettext_lazy("Trình duyệt"),
    "send_back": gettext_lazy("Trả lại để xử lý lại"),
    "approve": gettext_lazy("Duyệt, ký"),
    "record_result": gettext_lazy("Vào số, ban hành kết quả"),
    "sign_result": gettext_lazy("Ký số kết quả"),
    "supplement_request": gettext_lazy("Yêu cầu bổ sung"),
    "supplement_receive": gettext_lazy("Nhận hồ sơ bổ sung"),
    "request_payment": gettext_lazy("Yêu cầu nộp phí"),
    "payment_confirmed": gettext_lazy("Xác nhận đã nộp phí"),
    "return_to_desk": gettext_lazy("Chuyển kết quả về Bộ phận một cửa"),
    "return_forwarded": gettext_lazy("Chuyển kết quả về nơi tiếp nhận"),
    "return_result": gettext_lazy("Trả kết quả"),
}

# History rows written by steps that are not actions on an existing dossier.
EXTRA_LABELS = {
    "receive": gettext_lazy("Tiếp nhận hồ sơ"),
    "submit_online": gettext_lazy("Nộp hồ sơ trực tuyến"),
}


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


def stage_allows(stage: str, action: str) -> bool:
    stages = ACTION_STAGES[action]
    return stages is None or stage in stages


def ensure_stage(stage: str, action: str) -> None:
    if not stage_allows(stage, action):
        raise ValidationError(
            _("Không thể thực hiện “%(action)s” ở khâu “%(stage)s”.")
            % {"action": ACTION_LABELS[action], "stage": Stage(stage).label}
        )


def allowed_actions(status: int, stage: str) -> list[str]:
    return [a for a in TRANSITIONS.get(status, {}) if stage_allows(stage, a)]
