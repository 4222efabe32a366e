"""The national import's pages as the administrator uses them: upload → dry run (nothing
written) → duplicate rows side by side, one chosen → apply in one transaction → the review
page (confirm the flags, accept the default step plan in one click, publish)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from congso.accounts.testing import login_verified
from congso.procedures import demo
from congso.procedures.models import Procedure, ProcedureVersion, UnitProcedure
from congso.procedures.selectors import receiving_units
from congso.procedures.services import version_create_draft

pytestmark = pytest.mark.django_db

HEADER = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Thành phần hồ sơ\n'
ROWS = [
    "1.000419,Đăng ký khai tử lưu động,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai đăng ký khai tử",
    "1.000419,Đăng ký khai tử lưu động,Hộ tịch,Cấp xã,07 ngày làm việc,Miễn lệ phí,Tờ khai đăng ký khai tử",
    "1.001731,Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội,Bảo trợ xã hội,Cấp xã,Số ngày xử lý: 3,"
    "Không thu,Tờ khai đề nghị hỗ trợ chi phí mai táng",
    "1.004845,Đăng ký chấm dứt giám hộ,Hộ tịch,Cấp xã; Cấp huyện,Không quá 02 ngày,Miễn lệ phí,Tờ khai",
]
URL = "/quan-ly/danh-muc-thu-tuc/nhap-quoc-gia/"


def _upload(rows=ROWS, name="danh-sach.csv", **extra):
    return SimpleUploadedFile(
        name, (HEADER + "\n".join(rows) + "\n").encode(), content_type="text/csv"
    )


@pytest.fixture
def admin(client, demo_org):
    login_verified(client, demo_org.user("quantri"))  # the administrator passes the second factor
    return client


def test_urls_are_the_documented_ones():
    assert reverse("procedures:national_upload") == URL
    assert reverse("procedures:national_review") == "/quan-ly/danh-muc-thu-tuc/can-xem-lai/"


def test_only_the_administrator_reaches_the_pages(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": _upload()}).status_code == 403
    assert client.get(reverse("procedures:national_review")).status_code == 403
    assert not Procedure.objects.exists()


def test_dry_run_duplicates_side_by_side_choice_then_one_click_apply(admin, demo_org):
    ward = demo_org.wards["00343"]
    response = admin.post(URL, {"file": _upload(), "units": [ward.pk], "default_unit": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert not Procedure.objects.exists()  # the dry run wrote nothing
    assert "Kết quả chạy thử (chưa ghi gì)" in html
    assert "Chạy thử, chưa ghi gì: 3 thủ tục mới" in html
    # The two rows of 1.000419 side by side, the first chosen by default.
    assert 'name="dup_1.000419" value="2" checked' in html
    assert 'name="dup_1.000419" value="3"' in html
    assert "05 ngày làm việc" in html and "07 ngày làm việc" in html
    # The ticked ward and what it will receive (the ward procedures of the file).
    assert f"{ward.name}: 3 thủ tục" in html
    # Flags and "cần bổ sung" are shown before anything is written.
    assert "chỉ có con số" in html and "Cần bổ sung:" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    response = admin.post(URL, {"apply": "1", "token": token, "dup_1.000419": "3"})
    assert response.status_code == 302 and response.url == reverse("procedures:national_review")
    assert ProcedureVersion.objects.get(procedure__national_code="1.000419").duration == 7
    # Several levels: offered at both; the ward received it.
    guardian = Procedure.objects.get(national_code="1.004845")
    assert guardian.level_list == ["ward", "district"]
    assert UnitProcedure.objects.filter(procedure=guardian, unit=demo_org.wards["00343"]).exists()
    # Applying twice with the same token is refused: the file was consumed.
    again = admin.post(URL, {"apply": "1", "token": token})
    assert again.status_code == 400 and "Phiên chạy thử đã hết hạn" in again.content.decode()


def test_file_wide_default_unit_chosen_on_the_page(admin):
    html = admin.post(URL, {"file": _upload(ROWS[3:]), "default_unit": ""}).content.decode()
    assert "không ghi “ngày làm việc”" in html
    html = admin.post(
        URL, {"file": _upload(ROWS[3:]), "default_unit": "working_days"}
    ).content.decode()
    assert "không ghi “ngày làm việc”" not in html


def test_bad_files_are_refused_in_vietnamese_and_nothing_is_written(admin):
    response = admin.post(
        URL, {"file": SimpleUploadedFile("a.csv", "Tên thủ tục,Lĩnh vực\nA,B\n".encode())}
    )
    html = response.content.decode()
    assert (
        response.status_code == 400
        and "Thiếu cột: Cấp thực hiện, Thời hạn giải quyết, Phí, lệ phí" in html
    )
    response = admin.post(URL, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert (
        response.status_code == 400 and "Chỉ nhận tệp .csv hoặc .xlsx." in response.content.decode()
    )
    bad_row = [
        "1.00419,Đăng ký khai tử lưu động,Hộ tịch,Cấp thôn,05 ngày làm việc,Miễn lệ phí,Tờ khai"
    ]
    html = admin.post(URL, {"file": _upload(bad_row)}).content.decode()
    assert "Tệp có 2 lỗi" in html and "Nhập danh mục (một lần, toàn bộ)" not in html
    response = admin.post(URL, {"apply": "1", "token": "doan-bua"})
    assert response.status_code == 400 and "Phiên chạy thử đã hết hạn" in response.content.decode()
    assert not Procedure.objects.exists()


def test_review_page_confirm_default_steps_publish(admin):
    token = re.search(
        r'name="token" value="([^"]+)"',
        admin.post(URL, {"file": _upload(ROWS[2:3])}).content.decode(),
    ).group(1)
    admin.post(URL, {"apply": "1", "token": token})
    version = ProcedureVersion.objects.get(procedure__national_code="1.001731")
    review = reverse("procedures:national_review")
    html = admin.get(review).content.decode()
    assert "Hỗ trợ chi phí mai táng" in html and "Công bố</button>" not in html
    # Publishing before a person confirmed is refused with the reason.
    response = admin.post(review, {"version": version.pk, "action": "publish"}, follow=True)
    assert "cần xem lại" in response.content.decode()
    admin.post(
        review, {"version": version.pk, "action": "confirm", "duration_kind": "working_days"}
    )
    admin.post(review, {"version": version.pk, "action": "default_steps"})
    version.refresh_from_db()
    assert version.review_flags == [] and version.duration_kind == "working_days"
    assert sum(version.internal_steps.values_list("budget", flat=True)) == version.duration
    assert "Công bố</button>" in admin.get(review).content.decode()
    admin.post(review, {"version": version.pk, "action": "publish"})
    version.refresh_from_db()
    assert version.is_published
    assert "Không còn bản nháp nào." in admin.get(review).content.decode()


def test_receiving_units_are_a_tick_list_grouped_district_then_wards(admin, demo_org):
    html = admin.get(URL).content.decode()
    district, ward = demo_org.district, demo_org.wards["00343"]
    # No code to type: one box per district and per ward, the wards inside their district.
    assert f'name="units" value="{district.pk}"' in html
    assert html.count('type="checkbox" name="units"') == receiving_units().count()
    group = html[html.index(f'value="{district.pk}"') :]
    group = group[: group.index("</fieldset>")]
    for w in demo_org.wards.values():
        assert f'value="{w.pk}"' in group and w.name in group
    assert 'name="units"' in html and 'type="text" name="units"' not in html
    # Departments and desks receive nothing: not offered.
    department = district.children.exclude(kind__in=["ward"]).first()
    if department is not None:
        assert f'name="units" value="{department.pk}"' not in html
    # Ticking the district and a ward: each receives the procedures of its level.
    token = re.search(
        r'name="token" value="([^"]+)"',
        admin.post(
            URL, {"file": _upload(ROWS[2:]), "units": [district.pk, ward.pk]}
        ).content.decode(),
    ).group(1)
    admin.post(URL, {"apply": "1", "token": token})
    guardian = Procedure.objects.get(national_code="1.004845")  # Cấp xã; Cấp huyện
    burial = Procedure.objects.get(national_code="1.001731")  # Cấp xã
    assert set(UnitProcedure.objects.filter(procedure=guardian).values_list("unit", flat=True)) == {
        district.pk,
        ward.pk,
    }
    assert list(UnitProcedure.objects.filter(procedure=burial).values_list("unit", flat=True)) == [
        ward.pk
    ]


def test_a_unit_id_not_in_the_list_is_refused_server_side(admin, demo_org):
    department = demo_org.district.children.exclude(kind="ward").first()
    for bad in ["999999", "00343", str(department.pk)]:
        response = admin.post(URL, {"file": _upload(ROWS[2:3]), "units": [bad]})
        html = response.content.decode()
        assert response.status_code == 400, bad
        assert "không còn trong danh sách" in html
    assert not Procedure.objects.exists()


def test_a_unit_merged_between_dry_run_and_apply_is_refused(admin, demo_org):
    ward = demo_org.wards["00346"]
    html = admin.post(URL, {"file": _upload(ROWS[2:3]), "units": [ward.pk]}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    type(ward).objects.filter(pk=ward.pk).update(dissolved_at=timezone.now())
    response = admin.post(URL, {"apply": "1", "token": token})
    assert response.status_code == 400
    assert "không còn nhận thủ tục" in response.content.decode()
    assert not Procedure.objects.exists()


def test_review_page_shows_a_change_to_a_published_procedure_for_approval(
    admin, django_assert_max_num_queries
):
    demo.load("2015")
    signature = Procedure.objects.get(national_code="2.000884")
    old = signature.versions.get(is_published=True, valid_to__isnull=True)
    rows = [
        '2.000884,"Chứng thực chữ ký trong các giấy tờ, văn bản",Chứng thực,Cấp xã,"Trong ngày cơ '
        "quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu "
        'sau 15 giờ.",20.000 đồng/trường hợp,Giấy tờ văn bản mà mình sẽ ký'
    ]
    html = admin.post(URL, {"file": _upload(rows)}).content.decode()
    assert "chờ duyệt" in html and "bản đang áp dụng giữ nguyên đến khi duyệt" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    admin.post(URL, {"apply": "1", "token": token})
    draft = signature.versions.get(is_published=False)
    # The public page still shows the version in force.
    assert "10.000" in admin.get(f"/thu-tuc/{signature.slug}/").content.decode()
    review = reverse("procedures:national_review")
    html = admin.get(review).content.decode()
    assert f"Đang áp dụng: phiên bản {old.number}" in html
    assert "<ins>20.000 đồng/trường hợp</ins>" in html
    assert "Duyệt và công bố</button>" in html
    # The list costs the same whatever the number of drafts (here: one, then many).
    with django_assert_max_num_queries(25) as one:
        admin.get(review)
    ProcedureVersion.objects.filter(pk=draft.pk).update(review_flags=[])
    for procedure in Procedure.objects.exclude(pk=signature.pk)[:10]:
        version_create_draft(
            by=None,
            procedure=procedure,
            valid_from=procedure.versions.order_by("-number").first().valid_from
            + dt.timedelta(days=1),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = admin.get(review).content.decode()
    assert html.count("Duyệt và công bố</button>") == 11
    admin.post(review, {"version": draft.pk, "action": "publish"})
    old.refresh_from_db()
    assert old.valid_to == draft.valid_from - dt.timedelta(days=1)
    assert "20.000" in admin.get(f"/thu-tuc/{signature.slug}/").content.decode()


def test_a_changed_deadline_whose_copied_steps_no_longer_add_up_gets_the_default_plan(admin):
    """Đăng ký khai tử in force is same-day; the province now publishes 03 working days when
    a check is needed. The draft keeps the old steps (1 day), which publishing refuses; the
    review page offers the default plan in their place, then approval publishes."""
    demo.load("2015")
    death = Procedure.objects.get(national_code="1.000656")
    rows = [
        '1.000656,Đăng ký khai tử,Hộ tịch,Cấp xã,"Không quá 03 ngày làm việc",Miễn lệ phí,'
        "Tờ khai đăng ký khai tử theo mẫu"
    ]
    token = re.search(
        r'name="token" value="([^"]+)"', admin.post(URL, {"file": _upload(rows)}).content.decode()
    ).group(1)
    admin.post(URL, {"apply": "1", "token": token})
    draft = death.versions.get(is_published=False)
    assert draft.internal_steps.exists()  # copied from the version in force
    review = reverse("procedures:national_review")
    html = admin.get(review).content.decode()
    assert "là 1 ngày làm việc, khác thời hạn giải quyết 3 ngày làm việc" in html
    assert "Thay bằng quy trình nội bộ mặc định</button>" in html
    assert "Duyệt và công bố</button>" not in html
    admin.post(review, {"version": draft.pk, "action": "default_steps"})
    assert sum(draft.internal_steps.values_list("budget", flat=True)) == 3
    html = admin.get(review).content.decode()
    assert "Duyệt và công bố</button>" in html and "quy trình nội bộ mặc định" not in html
    admin.post(review, {"version": draft.pk, "action": "publish"})
    draft.refresh_from_db()
    assert draft.is_published
