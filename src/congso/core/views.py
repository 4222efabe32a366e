from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from congso.org import policy
from congso.org.selectors import staff_for, user_roles

# The modules of the staff home page: (title, description, URL name, roles that see it).
# A module whose URL is not mounted yet is left out.
MODULES: list[tuple[str, str, str, set[str] | tuple[str, ...] | None]] = [
    (
        _("Tiếp nhận hồ sơ"),
        _("Một cửa: tiếp nhận, trả kết quả, phiếu hẹn"),
        "dossiers:intake",
        {"onestop_officer"},
    ),
    (
        _("Hồ sơ cần xử lý"),
        _("Hàng đợi công việc theo vai trò, sắp xếp theo hạn"),
        "dossiers:queue",
        {"onestop_officer", "specialist", "department_head", "unit_leader", "records_clerk"},
    ),
    (
        _("Thống kê, báo cáo"),
        _("Tình hình giải quyết hồ sơ theo đơn vị, kỳ"),
        "dossiers:stats",
        {"unit_leader", "department_head", "onestop_officer", "sysadmin"},
    ),
    (
        _("Văn bản đến"),
        _("Đăng ký, trình, chỉ đạo, xử lý văn bản đến"),
        "documents:incoming_list",
        {"records_clerk", "unit_leader", "department_head", "specialist"},
    ),
    (
        _("Văn bản đi"),
        _("Dự thảo, duyệt, ký số, phát hành"),
        "documents:outgoing_list",
        {"records_clerk", "unit_leader", "department_head", "specialist"},
    ),
    (
        _("Thủ tục hành chính"),
        _("Danh mục thủ tục, tra cứu công khai"),
        "procedures:catalogue",
        None,
    ),
    (
        _("Quản lý danh mục thủ tục"),
        _("Nhập, xuất danh mục thủ tục (XLSX)"),
        "procedures:catalogue_admin",
        {"sysadmin"},
    ),
    # A tuple names permissions of congso.org.policy: shown to the roles that carry any of them.
    (
        _("Phản ánh, kiến nghị"),
        _("Tiếp nhận, phân loại, trả lời, công khai hỏi đáp"),
        "feedback:queue",
        ("feedback.classify", "feedback.draft"),
    ),
    (
        _("Bảng điều hành"),
        _("Kết quả giải quyết TTHC, cảnh báo, Chỉ số QĐ 766"),
        "dashboard:dashboard",
        ("dashboard.view",),
    ),
    (
        _("Quầy một cửa"),
        _("Gọi số thứ tự, phục vụ công dân"),
        "counters:panel",
        ("counters.serve",),
    ),
    (_("Quản trị hệ thống"), _("Đơn vị, cán bộ, lịch nghỉ, danh mục"), "admin:index", {"sysadmin"}),
]


def index(request: HttpRequest) -> HttpResponse:
    if staff_for(request.user):
        return redirect("core:home")
    return render(request, "core/index.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    modules = []
    for title, description, url_name, needed in MODULES:
        allowed = policy.roles_carrying(*needed) if isinstance(needed, tuple) else needed
        if allowed is not None and not (roles & allowed) and not request.user.is_superuser:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        modules.append({"title": title, "description": description, "url": url})
    return render(
        request,
        "core/home.html",
        {"modules": modules, "staff": staff_for(request.user), "roles": sorted(roles)},
    )


def ping(request: HttpRequest) -> HttpResponse:
    """The bare endpoint: the full middleware stack, no database. Benchmarks measure every
    page beside it, in the same run, so their figures are ratios on a noisy machine."""
    return HttpResponse("pong", content_type="text/plain")


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and serves requests (no dependency is asked: see /readyz)."""
    return JsonResponse({"status": "ok"})
