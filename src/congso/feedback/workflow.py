"""The feedback workflow as data, below the models (as dossiers/workflow.py): the statuses of
a case, which action is allowed in which status and what status it leads to. Nothing here
imports a model; the action registry (actions.py), the services and a test that walks every
(status, action) pair read the same table."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(TextChoices):
    PENDING = "pending", gettext_lazy("Chờ xác minh liên hệ")
    RECEIVED = "received", gettext_lazy("Đã tiếp nhận, chờ phân loại")
    PROCESSING = "processing", gettext_lazy("Đang xử lý")
    AWAITING_APPROVAL = "approval", gettext_lazy("Chờ lãnh đạo duyệt trả lời")
    ANSWERED = "answered", gettext_lazy("Đã trả lời")
    FORWARDED_OUT = "forwarded_out", gettext_lazy("Đã chuyển cơ quan có thẩm quyền ngoài hệ thống")
    REFUSED = "refused", gettext_lazy("Không tiếp nhận xử lý")
    MERGED = "merged", gettext_lazy("Đã gộp vào phản ánh trùng")


OPEN_STATUSES = [Status.RECEIVED, Status.PROCESSING, Status.AWAITING_APPROVAL]
CLOSED_STATUSES = [Status.ANSWERED, Status.FORWARDED_OUT, Status.REFUSED, Status.MERGED]

S = Status
SAME = ""  # the action keeps the status

# status -> {action: next status}
TRANSITIONS: dict[str, dict[str, str]] = {
    S.RECEIVED: {
        "classify": SAME,
        "route": S.PROCESSING,
        "forward": S.RECEIVED,  # to another agency's desk (or S.PROCESSING: a department)
        "forward_out": S.FORWARDED_OUT,
        "refuse": S.REFUSED,
        "merge": S.MERGED,
        "extend": SAME,
    },
    S.PROCESSING: {
        "classify": SAME,
        "draft": S.AWAITING_APPROVAL,
        "return_to_triage": S.RECEIVED,
        "extend": SAME,
    },
    S.AWAITING_APPROVAL: {
        "approve": S.ANSWERED,
        "send_back": S.PROCESSING,
        "extend": SAME,
    },
    S.ANSWERED: {
        "publish": SAME,
        "unpublish": SAME,
        "rate": SAME,
        "reopen": S.PROCESSING,
    },
}

ACTION_LABELS = {
    "submit": gettext_lazy("Gửi phản ánh, kiến nghị"),
    "verify": gettext_lazy("Xác minh liên hệ, tiếp nhận"),
    "receive": gettext_lazy("Tiếp nhận tại bộ phận"),
    "classify": gettext_lazy("Phân loại"),
    "route": gettext_lazy("Chuyển phòng chuyên môn xử lý"),
    "forward": gettext_lazy("Chuyển cơ quan có thẩm quyền"),
    "forward_out": gettext_lazy("Chuyển cơ quan ngoài hệ thống (kèm văn bản)"),
    "refuse": gettext_lazy("Không tiếp nhận xử lý"),
    "merge": gettext_lazy("Gộp vào phản ánh trùng"),
    "extend": gettext_lazy("Gia hạn xử lý"),
    "draft": gettext_lazy("Trình dự thảo trả lời"),
    "return_to_triage": gettext_lazy("Trả lại bộ phận tiếp nhận"),
    "send_back": gettext_lazy("Trả lại dự thảo"),
    "approve": gettext_lazy("Duyệt và gửi trả lời"),
    "publish": gettext_lazy("Công khai trên Hỏi đáp"),
    "unpublish": gettext_lazy("Thôi công khai"),
    "rate": gettext_lazy("Đánh giá câu trả lời"),
    "reopen": gettext_lazy("Mở lại xử lý"),
}


def next_status(status: str, action: str) -> str:
    """The status ``action`` leads to from ``status``; a Vietnamese ValidationError when the
    table does not allow it."""
    moves = TRANSITIONS.get(status, {})
    if action not in moves:
        raise ValidationError(
            _("Không thể thực hiện “%(action)s” khi phản ánh đang ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": Status(status).label}
        )
    return moves[action] or status


def history_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
