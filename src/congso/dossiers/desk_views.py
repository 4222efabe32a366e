"""The officer's desk pages (issue #12 §3): the home page (counts, alerts, the work list with
multi-select actions, arrivals polled by HTMX, the XLSX export of the work) and the liên thông
list. Views parse and render; reads come from desk.py, every change from the registry's
services (one call per dossier)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from . import desk
from .actions import REGISTRY, StaleDossier
from .models import ReturnMethod, Stage, Status
from .notifications import collect_method
from .views import _error_text, _queue_rows, _staff
from .work_export import work_xlsx

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


# ---------------------------------------------------------------------------------------------
# The officer's home

FIGURES = {
    "new": gettext_lazy("Hồ sơ trực tuyến mới"),
    "in_progress": gettext_lazy("Đang giải quyết"),
    "due_today": gettext_lazy("Đến hạn hôm nay"),
    "overdue": gettext_lazy("Quá hạn"),
    "supplement": gettext_lazy("Chờ công dân bổ sung"),
    "hand_back": gettext_lazy("Kết quả chờ trả"),
    "new_supplement": gettext_lazy("Công dân mới bổ sung"),
}
FIGURE_KIND = {"overdue": "late", "due_today": "soon", "new": "soon", "hand_back": "soon"}


def _alerts(counts: dict[str, int]) -> list[tuple[str, str, str]]:
    """(kind, text, link) of what needs the officer's attention first."""
    out: list[tuple[str, str, str]] = []
    home = reverse("dossiers:home")
    forwarded_url = reverse("dossiers:forwarded")

    def add(kind: str, key: str, text: str, url: str = "") -> None:
        if counts[key]:
            out.append((kind, text % {"n": counts[key]}, url or f"{home}?loc={key}#work"))

    add(
        "late",
        "overdue",
        ngettext("%(n)s hồ sơ đã quá hạn.", "%(n)s hồ sơ đã quá hạn.", counts["overdue"]),
    )
    add("soon", "due_today", _("%(n)s hồ sơ đến hạn trả trong hôm nay."))
    add("info", "new", _("%(n)s hồ sơ trực tuyến mới chờ tiếp nhận."))
    add("info", "new_supplement", _("%(n)s hồ sơ công dân vừa gửi bổ sung, chờ cán bộ xử lý tiếp."))
    add("soon", "hand_back", _("%(n)s kết quả đã về Bộ phận một cửa, chờ trả cho công dân."))
    add(
        "soon",
        "forwarded_back",
        _("%(n)s hồ sơ liên thông đã có kết quả chuyển về, chờ trả cho công dân."),
        f"{forwarded_url}?huong={desk.OUT}&o={desk.WHERE_BACK}",
    )
    return out


def _home_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**text, "pk": row["pk"], "version": row["version"]}
        for row, text in zip(rows, _queue_rows(rows), strict=True)
    ]


def _stamp(at: dt.datetime) -> str:
    return str(int(at.timestamp() * 1_000_000))


def _from_stamp(value: str) -> dt.datetime | None:
    if not value.isdigit() or len(value) > 18:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value) / 1_000_000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The officer's start page: a figure per state (each links to its rows below), alerts,
    the work list (overdue rows highlighted, several rows can be selected and acted on at
    once), arrivals polled every few seconds, and the list as XLSX."""
    _staff(request)
    key = request.GET.get("loc") or ""
    if key and key not in desk.ROW_KEYS:
        raise Http404
    now = timezone.now()
    if request.GET.get("dinh_dang") == "xlsx":
        rows = desk.work_rows(request.user, key=key, now=now, limit=None)
        title = _("Hồ sơ cần xử lý") + (f" — {FIGURES[key]}" if key else "")
        return work_xlsx(_queue_rows(rows), title, f"ho-so-can-xu-ly-{timezone.localdate()}.xlsx")
    counts = desk.home_counts(request.user, now)
    choices = desk.bulk_choices(request.user)
    rows = desk.work_rows(request.user, key=key, now=now)
    return render(
        request,
        "dossiers/home.html",
        {
            "figures": [
                (k, FIGURES[k], counts[k], FIGURE_KIND.get(k, "")) for k in desk.HOME_FIGURES
            ],
            "forwarded_out": counts["forwarded_out"],
            "forwarded_back": counts["forwarded_back"],
            "forwarded_in": counts["forwarded_in"],
            "alerts": _alerts(counts),
            "key": key,
            "key_label": FIGURES.get(key, ""),
            "rows": _home_rows(rows),
            "limit": desk.HOME_PAGE_SIZE,
            "choices": choices,
            "bulk_actions": [(a, REGISTRY[a].label) for a in choices.actions],
            "since": _stamp(now),
            "results": request.session.pop("desk_bulk_results", None),
        },
    )


@login_required
def arrivals(request: HttpRequest) -> HttpResponse:
    """What arrived in (or changed within) the officer's queues since the page was opened:
    the fragment the home page polls for (HTMX, every 15 s)."""
    _staff(request)
    since = _from_stamp(request.GET.get("tu", ""))
    if since is None:
        raise Http404
    rows = desk.work_rows(request.user, since=since, limit=10)
    return render(request, "dossiers/_arrivals.html", {"rows": _queue_rows(rows)})


MAX_SELECTED = 100


def _selected(values: list[str]) -> list[tuple[int, int | None]]:
    """``pk:version`` pairs from the checkboxes (the version each row showed)."""
    out = []
    for value in values[:MAX_SELECTED]:
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and len(pk) < 19:
            out.append((int(pk), int(version) if version.isdigit() and len(version) < 10 else None))
    return out


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One registry action on several selected dossiers: the action's own service is called for
    each (its own transaction, with the version the row showed), and each row's outcome is
    shown — done, refused with the service's reason, or stale."""
    staff = _staff(request)
    name = request.POST.get("thao_tac", "")
    if name not in desk.BULK_ACTIONS:
        messages.error(request, _("Cần chọn thao tác."))
        return redirect("dossiers:home")
    entry = REGISTRY[name]
    picked = _selected(request.POST.getlist("ho_so"))
    if not picked:
        messages.error(request, _("Cần chọn ít nhất một hồ sơ."))
        return redirect("dossiers:home")
    found = {d.pk: d for d in desk.dossiers_for(request.user, [pk for pk, _v in picked])}
    results = []
    for pk, version in picked:
        dossier = found.get(pk)
        if dossier is None:
            results.append({"code": f"#{pk}", "ok": False, "text": _("Không tìm thấy hồ sơ.")})
            continue
        form = {k: request.POST.get(k, "") for k in ("to_unit_id", "specialist_id", "note")}
        try:
            data = entry.parse({**form, "version": "" if version is None else str(version)})
            entry.run(dossier, staff, data)
        except StaleDossier as exc:
            results.append({"code": dossier.ref, "ok": False, "text": _error_text(exc)})
        except ValidationError as exc:
            results.append({"code": dossier.ref, "ok": False, "text": _error_text(exc)})
        except PermissionDenied as exc:
            results.append(
                {"code": dossier.ref, "ok": False, "text": str(exc) or _("Không có quyền.")}
            )
        else:
            results.append({"code": dossier.ref, "ok": True, "text": str(entry.label)})
    done = sum(1 for r in results if r["ok"])
    request.session["desk_bulk_results"] = {
        "action": str(entry.label),
        "done": done,
        "failed": len(results) - done,
        "rows": results,
    }
    return redirect(reverse("dossiers:home") + "#ket-qua")
