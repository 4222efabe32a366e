"""The leader's journey in Chromium (issue 17, "Done when"): the district leader opens the
dashboard, filters to a ward and a field, clicks an overdue count down to a dossier, exports the
table to XLSX, opens the index and follows a lost point to its dossiers. Screenshots at 1366 and
390 px; no CSP violation (the charts are drawn by vendored ECharts from their tables)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import screenshot
from django.utils import timezone
from openpyxl import load_workbook

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure
from congso.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


@pytest.fixture
def ward_month(demo_org):
    """This month at Nhân Chính: two dossiers overdue, one finished late, one early; and one at
    the district, which the ward filter must leave out."""
    ward = demo_org.wards["00343"]
    version = offered_procedure(ward, name="Chứng thực bản sao từ bản chính")
    district_version = offered_procedure(demo_org.desk, name="Cấp giấy phép xây dựng")
    now = timezone.now()
    first = timezone.make_aware(dt.datetime.combine(now.date().replace(day=1), dt.time(8, 30)))
    made = []
    for i in range(4):
        made.append(
            s.dossier_receive(
                by=demo_org.staff["motcua.nc"],
                receiving_unit=ward,
                version=version,
                applicant=person(name=f"Trần Thị Bình {i}"),
                papers=all_papers(version),
                at=first,
            )
        )
    s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(name="Lê Văn Quận"),
        papers=all_papers(district_version),
        at=first,
    )
    past = now - dt.timedelta(hours=2)
    Dossier.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(due_at=past)
    Dossier.objects.filter(pk=made[2].pk).update(
        finished_at=now - dt.timedelta(hours=1), timeliness="late", status=Status.RESULT_READY
    )
    Dossier.objects.filter(pk=made[3].pk).update(
        finished_at=now - dt.timedelta(hours=1), timeliness="early", status=Status.RESULT_READY
    )
    return {"ward": ward, "version": version, "overdue": made[0], "late": made[2]}


def test_leader_journey(live_server, page, phone_page, demo_org, ward_month):
    base = live_server.url
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "lanhdao.tx")
    page.goto(f"{base}/bang-dieu-hanh/")
    page.wait_for_selector(".chart canvas")
    screenshot(page, "dashboard-1366-district")
    # Filter to the ward and the procedure's field.
    ward = ward_month["ward"]
    field = ward_month["version"].procedure.field
    page.get_by_label("Đơn vị").select_option(str(ward.pk))
    page.get_by_label("Lĩnh vực").select_option(str(field.pk))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(lambda url: f"don_vi={ward.pk}" in url)
    page.wait_for_selector(".chart canvas")
    total = page.locator("#bang-co-quan tfoot")
    assert total.locator("a[data-figure=received]").inner_text() == "4"  # not the district's
    assert total.locator("a[data-figure=progress_late]").inner_text() == "2"
    screenshot(page, "dashboard-1366-ward")
    # Down to an overdue dossier in two clicks.
    total.locator("a[data-figure=progress_late]").click()
    page.wait_for_url(lambda url: "chi_so=progress_late" in url)
    assert "2 hồ sơ" in page.content()
    screenshot(page, "dashboard-1366-overdue-list")
    page.get_by_role("link", name=ward_month["overdue"].code).click()
    page.wait_for_url(lambda url: ward_month["overdue"].code in url)
    assert ward_month["overdue"].code in page.content()
    page.go_back()
    page.get_by_role("link", name="‹ Về bảng điều hành").click()
    # The table as XLSX: the ward's numbers.
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bảng số liệu (XLSX)").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows[0][0].endswith(ward.name) and rows[-1][0] == "Tổng cộng" and rows[-1][2] == 4
    # The index, and a lost point down to its dossiers.
    page.get_by_role("link", name="Chỉ số phục vụ (QĐ 766)").click()
    page.wait_for_selector(".chart canvas")
    assert "Tiến độ giải quyết" in page.content() and "thiếu dữ liệu" in page.content()
    screenshot(page, "index766-1366")
    page.locator("a.lost[href*='chi_so=late']").click()
    page.wait_for_url(lambda url: "chi_so=late" in url)
    assert "3 hồ sơ" in page.content()  # one finished late + two overdue
    assert ward_month["late"].code in page.content()
    screenshot(page, "index766-1366-lost-list")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    # The phone.
    login(phone_page, base, "lanhdao.tx")
    phone_page.goto(f"{base}/bang-dieu-hanh/?don_vi={ward.pk}")
    phone_page.wait_for_selector(".chart canvas")
    screenshot(phone_page, "dashboard-390-ward")
    phone_page.goto(f"{base}/bang-dieu-hanh/chi-so-766/?don_vi={ward.pk}")
    screenshot(phone_page, "index766-390-ward")
