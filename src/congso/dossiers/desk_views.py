"""The officer's desk pages (issue #12 §3): the home page (counts, alerts, the work list with
multi-select actions, arrivals polled by HTMX, the XLSX export of the work) and the liên thông
list. Views parse and render; reads come from desk.py, every change from the registry's
services (one call per dossier)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import desk
from .models import ReturnMethod, Stage, Status
from .notifications import collect_method
from .views import _queue_rows, _staff

# ---------------------------------------------------------------------------------------------
# Liên thông

DIRECTIONS = {
    desk.OUT: gettext_lazy("Đã chuyển đi"),
    desk.IN: gettext_lazy("Nhận liên thông"),
}
WHERE = {
    "": gettext_lazy("Tất cả"),
    desk.WHERE_ABOVE: gettext_lazy("Đang ở cơ quan giải quyết"),
    desk.WHERE_BACK: gettext_lazy("Đã có kết quả về, chờ trả"),
}

# The key of each filter's figure in desk.forwarded's counts.
_COUNT_OF_WHERE = {"": "all", desk.WHERE_ABOVE: "above", desk.WHERE_BACK: "back"}

_COLLECT = {
    ReturnMethod.COUNTER: gettext_lazy(
        "Đã về đơn vị: công dân đã được nhắn đến nhận tại Bộ phận một cửa; trả kết quả và ghi "
        "người nhận."
    ),
    ReturnMethod.POST: gettext_lazy(
        "Đã về đơn vị: gửi kết quả qua bưu chính công ích đến địa chỉ của công dân, rồi ghi nhận "
        "“Trả kết quả” (hình thức: bưu chính)."
    ),
    ReturnMethod.ONLINE: gettext_lazy(
        "Đã về đơn vị: công dân đã nhận kết quả điện tử trực tuyến; ghi nhận “Trả kết quả” "
        "(hình thức: trực tuyến) để kết thúc hồ sơ."
    ),
}


def todo(row: dict[str, Any], direction: str) -> tuple[str, str]:
    """What the unit must do about one liên thông dossier now, and the badge kind."""
    method = collect_method(
        row["channel"],
        row["procedure_version__online_level"],
        row["procedure_version__online_level_2015"],
    )
    back = row["stage"] == Stage.RETURN and row["handling_unit_id"] == row["receiving_unit_id"]
    status = row["status"]
    if direction == desk.IN:
        if row["stage"] == Stage.RETURN and not back:
            return _("Chuyển kết quả về nơi tiếp nhận."), "soon"
        if row["urgency"] == 0:
            return _("Quá hạn: giải quyết ngay hoặc lập phiếu xin lỗi, hẹn lại."), "late"
        return _("Giải quyết rồi chuyển kết quả về nơi tiếp nhận."), "ok"
    if back:
        return str(_COLLECT[method]), "soon"  # type: ignore[index]
    if status == Status.RESULT_READY:
        if method == ReturnMethod.ONLINE:
            return _("Cơ quan giải quyết đã có kết quả; công dân nhận kết quả trực tuyến."), "ok"
        return (
            _(
                "Cơ quan giải quyết đã có kết quả, chờ chuyển về đơn vị; chưa mời công dân "
                "đến nhận."
            ),
            "ok",
        )
    if status == Status.SUPPLEMENT:
        return _("Cơ quan giải quyết yêu cầu bổ sung: hướng dẫn công dân bổ sung."), "soon"
    if status == Status.AWAITING_PAYMENT:
        return _("Chờ công dân nộp phí, lệ phí."), "soon"
    if row["urgency"] == 0:
        return _("Quá hạn: đôn đốc cơ quan giải quyết."), "late"
    return _("Theo dõi; cơ quan giải quyết đang xử lý."), "ok"


def _forwarded_rows(rows: list[dict[str, Any]], direction: str) -> list[dict[str, Any]]:
    stages = dict(Stage.choices)
    statuses = {value: str(label) for value, label in Status.choices}
    out = []
    for row, text in zip(rows, _queue_rows(rows), strict=True):
        what, kind = todo(row, direction)
        other = row["processing_agency__name"] if direction == desk.OUT else row["agency__name"]
        out.append(
            {
                **text,
                "status": statuses.get(row["status"], ""),
                "stage": stages.get(row["stage"], row["stage"]),
                "other": other,
                "forwarded_at": row["forwarded_at"],
                "came_back_at": row["came_back_at"],
                "todo": what,
                "todo_kind": kind,
            }
        )
    return out


@login_required
def forwarded(request: HttpRequest) -> HttpResponse:
    """Liên thông: the dossiers the officer's agency forwarded to another agency (tracked until
    the result comes back and is handed over) or received from one."""
    _staff(request)
    direction = request.GET.get("huong") or desk.OUT
    where = request.GET.get("o") or ""
    if direction not in DIRECTIONS or where not in WHERE:
        raise Http404
    found = desk.forwarded(request.user, direction, where=where)
    counts = desk.home_counts(request.user)
    return render(
        request,
        "dossiers/forwarded.html",
        {
            "direction": direction,
            "directions": [
                (
                    key,
                    label,
                    counts["forwarded_out"] if key == desk.OUT else counts["forwarded_in"],
                )
                for key, label in DIRECTIONS.items()
            ],
            "where": where,
            "wheres": [
                (key, label, found.counts[_COUNT_OF_WHERE[key]]) for key, label in WHERE.items()
            ],
            "rows": _forwarded_rows(found.rows, direction),
            "has_more": found.has_more,
        },
    )
