"""The national import: the 66-procedure fixture (national listing columns, texts as
published by the national database and provincial decisions), dry run, second import,
duplicates, rollback, hostile files."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from congso.audit.models import AuditEvent
from congso.procedures import demo
from congso.procedures.models import Fee, Procedure, ProcedureVersion, UnitProcedure
from congso.procedures.national import NationalImportError, national_import, needs_review
from congso.procedures.selectors import version_current
from congso.procedures.services import (
    default_step_plan,
    version_accept_default_steps,
    version_confirm_flags,
    version_publish,
    version_update_draft,
)

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "national_ward_district.csv"
HEADER = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Thành phần hồ sơ\n'


def _counts():
    return (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        Fee.objects.count(),
        UnitProcedure.objects.count(),
        AuditEvent.objects.count(),
    )


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def test_fixture_imports_in_one_pass_matches_demo_and_second_import_changes_nothing(demo_org):
    demo.load("2015")
    demo_ids = dict(Procedure.objects.values_list("name", "pk"))
    before = _counts()
    data = FIXTURE.read_bytes()
    dry = national_import(
        data, filename=FIXTURE.name, by=None, units=["00343", demo_org.district.stats_code]
    )
    assert dry.errors == [] and not dry.applied
    assert _counts() == before  # a dry run writes nothing, not even audit rows
    assert len(dry.entries) == 66
    assert dry.ignored_columns == ["Ghi chú"]

    report = national_import(
        data,
        filename=FIXTURE.name,
        by=None,
        units=["00343", demo_org.district.stats_code],
        dry_run=False,
    )
    assert report.errors == [] and report.applied
    # The dry run said exactly what applying did.
    assert [(e.line, e.action, e.published) for e in dry.entries] == [
        (e.line, e.action, e.published) for e in report.entries
    ]
    # Demo procedures were matched by their codes (ADR 0024), those without a code by folded
    # name in their field (and got the file's code when it has one); none was duplicated.
    birth = Procedure.objects.get(pk=demo_ids["Đăng ký khai sinh"])
    assert birth.national_code == "1.001193"
    assert Procedure.objects.count() == len(demo_ids) + report.count("new")
    assert Procedure.objects.get(pk=demo_ids["Đăng ký giám hộ"]).national_code == ""
    by_name = {e.name: e for e in report.entries}
    assert by_name["Đăng ký khai sinh"].action == "updated"
    assert by_name["Đăng ký giám hộ"].action == "updated"
    assert by_name["Đăng ký khai tử lưu động"].action == "new"
    # The provincial symbol is reduced to the national code and kept; 1002755 is read too.
    temp = Procedure.objects.get(national_code="1.004194")
    assert temp.local_code == "1.004194.000.00.00.H37"
    assert Procedure.objects.filter(national_code="1.002755").exists()
    # Several levels: offered at both, and the ward and district received what is theirs.
    copy = Procedure.objects.get(national_code="2.000815")
    assert copy.level_list == ["ward", "district"]
    assert UnitProcedure.objects.filter(procedure=copy, unit=demo_org.wards["00343"]).exists()
    assert UnitProcedure.objects.filter(procedure=copy, unit=demo_org.district).exists()
    # Nothing flagged was published; the new drafts without internal steps are "cần bổ sung".
    for entry in report.entries:
        if entry.flags:
            assert not entry.published
    new_draft = ProcedureVersion.objects.get(
        procedure__national_code="1.000419", is_published=False
    )
    assert new_draft.papers.count() == 2 and new_draft.internal_steps.count() == 0
    # Field names folded-equal to the demo's matched them ("Lĩnh vực Hộ tịch", "hộ tịch").
    assert set(
        Procedure.objects.filter(national_code__in=["1.000656", "1.000894"]).values_list(
            "field__code", flat=True
        )
    ) == {"ho-tich"}
    # Long legal texts are kept whole.
    assert "Thông tư số 85/2019/TT-BTC" in new_draft.legal_basis

    after = _counts()
    again = national_import(
        data,
        filename=FIXTURE.name,
        by=None,
        units=["00343", demo_org.district.stats_code],
        dry_run=False,
    )
    assert again.errors == []
    assert {e.action for e in again.entries} == {"unchanged"}
    assert _counts()[:4] == after[:4]


def test_flags_publish_and_one_click_default_steps():
    data = _csv(
        '1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,Cấp xã,"03 ngày làm việc. Trường hợp '
        'phải xác minh thì thời hạn giải quyết không quá 23 ngày.",3.000 đồng/trường hợp,Tờ khai cấp '
        "Giấy xác nhận tình trạng hôn nhân theo mẫu",
        "1.001731,Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội,Bảo trợ xã hội,Cấp xã,"
        "Số ngày xử lý: 3,Không thu,Tờ khai đề nghị hỗ trợ chi phí mai táng",
    )
    report = national_import(data, filename="ds.csv", by=None, dry_run=False)
    assert report.applied
    marital = ProcedureVersion.objects.get(procedure__national_code="1.004873")
    assert (marital.duration, marital.duration_kind) == (Decimal(23), "calendar_days")
    assert [f["code"] for f in marital.review_flags] == [
        "deadline_several_cases",
        "deadline_calendar_days",
    ]
    assert [(f.amount, f.per_unit) for f in marital.fees.all()] == [(3000, "trường hợp")]
    with pytest.raises(Exception, match="cần xem lại"):
        version_publish(by=None, version=marital)
    version_confirm_flags(by=None, version=marital)
    version_accept_default_steps(by=None, version=marital)
    budgets = list(marital.internal_steps.values_list("budget", flat=True))
    assert sum(budgets) == Decimal(23)
    version_publish(by=None, version=marital)

    burial = ProcedureVersion.objects.get(procedure__national_code="1.001731")
    assert (burial.duration, burial.duration_kind) == (Decimal(3), "unknown")
    with pytest.raises(Exception, match="đơn vị thời hạn"):
        version_confirm_flags(by=None, version=burial)
    version_update_draft(by=None, version=burial, duration_kind="working_days")
    version_confirm_flags(by=None, version=burial)
    version_accept_default_steps(by=None, version=burial)
    assert version_publish(by=None, version=burial).is_published


def test_default_step_plan_adds_up_for_same_day_and_days():
    for duration, kind in [
        (Decimal(1), "same_day"),
        (Decimal(15), "working_days"),
        (Decimal("1.5"), "working_days"),
    ]:
        plan = default_step_plan(duration, kind)
        assert sum(s["budget"] for s in plan) == duration and all(s["budget"] > 0 for s in plan)


def test_changed_published_procedure_becomes_a_draft_the_version_in_force_stays(demo_org):
    """Issue #13: a row whose code exists makes "a new draft version when its content
    differs" — even unflagged and complete, it is not published by the file; the version in
    force stays live until a person approves the draft."""
    demo.load("2015")
    signature = Procedure.objects.get(name="Chứng thực chữ ký trong các giấy tờ, văn bản")
    old = signature.versions.get(is_published=True, valid_to__isnull=True)
    # Matched by the demo's national code (ADR 0024), though the name lost its comma.
    data = _csv(
        '2.000884,Chứng thực chữ ký trong các giấy tờ văn bản,Chứng thực,Cấp xã,"Trong ngày cơ quan, tổ '
        'chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ.",'
        "10.000 đồng/trường hợp,Giấy tờ văn bản mà mình sẽ ký"
    )
    dry = national_import(data, filename="a.csv", by=None)
    report = national_import(data, filename="a.csv", by=None, dry_run=False)
    entry = report.entries[0]
    assert (entry.action, entry.published, entry.flags, entry.missing) == ("updated", False, [], [])
    assert entry.awaiting_approval and dry.entries[0].awaiting_approval
    assert "chờ duyệt" in report.summary()
    assert "Mã thủ tục" not in [label for label, _old, _new in entry.diff]
    assert Procedure.objects.filter(national_code="2.000884").get() == signature
    new = signature.versions.get(number=old.number + 1)
    assert not new.is_published and new.duration_kind == "same_day"
    assert [(f.amount, f.per_unit, f.condition) for f in new.fees.all()] == [
        (10000, "trường hợp", "")
    ]
    # The version in force is untouched and still the one the public and the counter read.
    old.refresh_from_db()
    assert old.valid_to is None
    assert version_current(signature, at=new.valid_from) == old
    # The same file again changes nothing (the draft already says it) and still waits.
    again = national_import(data, filename="a.csv", by=None, dry_run=False)
    assert again.entries[0].action == "unchanged" and again.entries[0].awaiting_approval
    assert signature.versions.count() == old.number + 1
    # The review list shows it with what it changes in the version in force.
    draft = next(d for d in needs_review() if d.pk == new.pk)
    assert draft.in_force == old and not draft.problems
    assert ("Tên thủ tục", old.name, new.name) in draft.changes
    # Approving publishes it and closes the old one the day before.
    version_publish(by=None, version=new)
    old.refresh_from_db()
    assert old.valid_to == new.valid_from - __import__("datetime").timedelta(days=1)
    assert version_current(signature, at=new.valid_from) == new


def test_draft_of_a_published_procedure_updated_again_is_not_published(demo_org):
    demo.load("2015")
    procedure = Procedure.objects.get(national_code="2.000884")
    row = (
        '2.000884,Chứng thực chữ ký trong các giấy tờ văn bản,Chứng thực,Cấp xã,"Trong ngày cơ quan, tổ '
        'chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ.",'
        "{fee},Giấy tờ văn bản mà mình sẽ ký"
    )
    national_import(
        _csv(row.format(fee="10.000 đồng/trường hợp")), filename="a.csv", by=None, dry_run=False
    )
    report = national_import(
        _csv(row.format(fee="20.000 đồng/trường hợp")), filename="a.csv", by=None, dry_run=False
    )
    entry = report.entries[0]
    assert (entry.action, entry.published, entry.awaiting_approval) == ("updated", False, True)
    draft = procedure.versions.get(is_published=False)
    assert [f.amount for f in draft.fees.all()] == [20000]
    assert procedure.versions.filter(is_published=True, valid_to__isnull=True).count() == 1


def test_duplicate_code_command_keeps_first_or_last_and_reports(tmp_path, capsys):
    path = tmp_path / "dup.csv"
    path.write_bytes(
        _csv(
            "1.000419,Đăng ký khai tử lưu động,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai",
            "1.000419,Đăng ký khai tử lưu động,Hộ tịch,Cấp xã,07 ngày làm việc,Miễn lệ phí,Tờ khai",
        )
    )
    call_command("catalogue_import_national", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Mã 1.000419 có ở các dòng 2, 3 với nội dung khác nhau; giữ dòng 2." in out
    assert not Procedure.objects.exists()
    call_command("catalogue_import_national", str(path), "--on-duplicate", "last")
    assert ProcedureVersion.objects.get(procedure__national_code="1.000419").duration == 7


def test_every_row_error_reported_in_one_pass_and_nothing_written(demo_org):
    demo.load("2015")
    before = _counts()
    data = _csv(
        "1.00419,Đăng ký khai tử lưu động,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai",
        ",,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai",
        "1.000593,Đăng ký kết hôn lưu động,Hộ tịch,Cấp thôn,05 ngày làm việc,Miễn lệ phí,Tờ khai",
        "1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,Trong ngày,Miễn lệ phí,Tờ khai",
    )
    report = national_import(data, filename="x.csv", by=None, dry_run=False)
    assert not report.applied
    text = "\n".join(report.errors)
    assert "Dòng 2: Mã thủ tục: mã thủ tục “1.00419” không đúng dạng" in text
    assert "Dòng 3: Tên thủ tục: không được để trống." in text
    assert "Dòng 4: Cấp thực hiện: cấp thực hiện “Cấp thôn” không rõ" in text
    assert _counts() == before


def test_service_error_mid_file_rolls_everything_back(demo_org):
    """Row 3 changes a published procedure with a date before its version in force: the
    version-date rule refuses it inside the apply pass; rows 2 and 4 were already applied in
    the same transaction and are rolled back."""
    demo.load("2015")
    before = _counts()
    header = HEADER.rstrip("\n") + ",Ngày hiệu lực\n"
    data = (
        header
        + "1.000419,Đăng ký khai tử lưu động,Hộ tịch,Cấp huyện,05 ngày làm việc,Miễn lệ phí,Tờ khai,\n"
        + "2.000884,Chứng thực chữ ký,Chứng thực,Cấp xã,Trong ngày,10.000 đồng,Giấy tờ,01/01/2009\n"
        + "1.004845,Đăng ký chấm dứt giám hộ,Hộ tịch,Cấp huyện,02 ngày làm việc,Miễn lệ phí,Tờ khai,\n"
    ).encode()
    report = national_import(data, filename="x.csv", by=None, dry_run=False)
    assert not report.applied
    assert [e for e in report.errors if e.startswith("Dòng 3")] and all(
        "01/01/2009" in e for e in report.errors
    )
    assert _counts() == before
    assert not Procedure.objects.filter(national_code="1.000419").exists()


def test_a_dissolved_unit_is_refused_before_any_row(demo_org):
    demo.load("2015")
    ward = demo_org.wards["00343"]
    ward.dissolved_at = timezone.now()
    ward.save()
    before = _counts()
    data = _csv(
        "1.000593,Đăng ký kết hôn lưu động,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai"
    )
    for units in (["00343"], [ward], [demo_org.district.children.exclude(kind="ward").first()]):
        report = national_import(data, filename="x.csv", by=None, units=units, dry_run=False)
        assert not report.applied and "không nhận thủ tục" in report.errors[0], units
    assert _counts() == before


def test_version_date_rule_is_the_publishing_rule(demo_org):
    demo.load("2015")
    data = _csv("1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,Trong ngày,Miễn lệ phí,Tờ khai")
    header = HEADER.strip() + ",Ngày hiệu lực\n"
    old = (
        header
        + "1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,Trong ngày,Miễn lệ phí,Tờ khai,01/01/2009\n"
    ).encode()
    report = national_import(old, filename="x.csv", by=None, dry_run=False)
    assert not report.applied
    assert any("phải sau ngày hiệu lực của phiên bản" in e for e in report.errors)
    assert national_import(data, filename="x.csv", by=None, dry_run=False).applied


def test_missing_columns_and_unknown_headers_are_reported():
    with pytest.raises(NationalImportError, match="Thiếu cột: Cấp thực hiện"):
        national_import(
            "Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Phí\n".encode(),
            filename="x.csv",
            by=None,
        )
    data = (
        "MÃ THỦ TỤC;ten thu tuc;Lĩnh Vực;Cấp thực hiện;Thời hạn giải quyết (Ngày làm việc);Phí, lệ phí;"
        "Đối tượng thực hiện\n1.000419;Đăng ký khai tử lưu động;Hộ tịch;Cấp xã;Không quả 02 ngày;Miễn lệ phí;"
        "Công dân\n"
    ).encode()
    report = national_import(data, filename="x.csv", by=None)
    assert report.ignored_columns == ["Đối tượng thực hiện"]
    assert any("ngày làm việc" in n for n in report.notes)
    assert report.entries[0].flags == [] and report.errors == []


def _xlsx_with_sheet_xml(xml: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Tên thủ tục"])
    buffer = io.BytesIO()
    wb.save(buffer)
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


def test_hostile_xlsx_zip_bomb_and_huge_sheet_refused_in_vietnamese_nothing_written(settings):
    before = _counts()
    bomb = _xlsx_with_sheet_xml(b"<x>" + b" " * (90 * 1024 * 1024) + b"</x>")
    assert len(bomb) < 1024 * 1024
    with pytest.raises(NationalImportError, match=r"giải nén quá lớn|nén bất thường"):
        national_import(bomb, filename="bomb.xlsx", by=None)
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>'
        for i in range(1, 6002)
    )
    huge = _xlsx_with_sheet_xml(
        (
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f"{rows}</sheetData></worksheet>"
        ).encode()
    )
    with pytest.raises(NationalImportError, match="quá nhiều dòng"):
        national_import(huge, filename="huge.xlsx", by=None)
    with pytest.raises(NationalImportError, match="không phải bảng tính"):
        national_import(b"PK\x03\x04garbage", filename="x.xlsx", by=None)
    assert _counts() == before


def test_xlsx_listing_reads_like_csv():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "STT",
            "Mã thủ tục",
            "Tên thủ tục",
            "Lĩnh vực",
            "Cấp thực hiện",
            "Thời hạn giải quyết",
            "Phí, lệ phí",
        ]
    )
    ws.append(
        [
            1,
            "2.000635",
            "Cấp bản sao trích lục hộ tịch",
            "Hộ tịch",
            "Cấp xã; Cấp huyện",
            "Ngay trong ngày tiếp nhận yêu cầu, trường hợp nhận hồ sơ sau 15 giờ mà không giải quyết được ngay "
            "thì trả kết quả trong ngày làm việc tiếp theo",
            "8.000đồng/bản sao trích lục/sự kiện hộ tịch đã đăng ký",
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    report = national_import(buffer.getvalue(), filename="ds.xlsx", by=None, dry_run=False)
    assert report.applied
    version = ProcedureVersion.objects.get(procedure__national_code="2.000635")
    assert (version.duration_kind, version.review_flags) == ("same_day", [])
    assert [(f.amount, f.per_unit) for f in version.fees.all()] == [(8000, "bản sao trích lục")]
    # No papers column: a draft "cần bổ sung", not published.
    assert report.entries[0].missing and not version.is_published


def test_a_column_the_file_lacks_leaves_the_procedure_text_alone(demo_org):
    demo.load("2015")
    birth = Procedure.objects.get(national_code="1.001193")
    old = birth.versions.get(valid_to__isnull=True)
    data = _csv(
        "1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,05 ngày làm việc,Miễn lệ phí,Tờ khai đăng ký khai sinh"
    )
    entry = national_import(data, filename="x.csv", by=None).entries[0]
    labels = [label for label, _old, _new in entry.diff]
    assert (
        "Cơ quan thực hiện" not in labels
        and "Căn cứ pháp lý" not in labels
        and "Trình tự thực hiện" not in labels
    )
    national_import(data, filename="x.csv", by=None, dry_run=False)
    draft = birth.versions.order_by("-number").first()
    assert draft.pk != old.pk
    assert (draft.legal_basis, draft.implementing_agency, draft.steps) == (
        old.legal_basis,
        old.implementing_agency,
        old.steps,
    )


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10))
    + b"]>"
)
SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.mark.parametrize(
    "xml",
    [
        # A billion "lol"s from a few hundred bytes (issue #11, finding 7).
        LAUGHS + SHEET + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
        b"</t></is></c></row></sheetData></worksheet>",
        # An external entity, and a declaration pushed far down the part.
        b'<?xml version="1.0"?><!--' + b" " * 200_000 + b"--><!DOCTYPE x [<!ENTITY e SYSTEM "
        b'"file:///etc/passwd">]>' + SHEET + b"<sheetData/></worksheet>",
        # The same in UTF-16, which a byte search for "<!DOCTYPE" would not see.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "x">]><worksheet/>'.encode(
            "utf-16"
        ),
    ],
    ids=["billion-laughs", "external-entity-far-down", "utf-16"],
)
def test_xlsx_with_a_dtd_is_refused_before_openpyxl_reads_it(xml):
    from congso.procedures.xlsx import CatalogueImportError, catalogue_import

    before = _counts()
    book = _xlsx_with_sheet_xml(xml)
    with pytest.raises(NationalImportError, match="DOCTYPE"):
        national_import(book, filename="dtd.xlsx", by=None)
    with pytest.raises(CatalogueImportError, match="DOCTYPE"):
        catalogue_import(book, by=None)
    assert _counts() == before


PORTAL_ROWS = [
    # Rows as the national portal publishes them for hộ tịch and chứng thực (odd forms kept).
    '2.000635,Cấp bản sao Trích lục hộ tịch,Hộ tịch,Cấp xã,"Ngay trong ngày tiếp nhận hồ sơ; '
    "trường hợp nhận hồ sơ sau 15 giờ mà không giải quyết được ngay thì trả kết quả trong ngày "
    'làm việc tiếp theo.","Lệ phí : 8.000 đồng/bản sao Trích lục/sự kiện hộ tịch đã đăng ký Miễn '
    "lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết "
    'tật.",Tờ khai theo mẫu',
    '1.000894,Đăng ký kết hôn,Hộ tịch,Cấp xã,"Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận '
    "hồ sơ sau 15 giờ mà không giải quyết được ngay thì trả kết quả trong ngày làm việc tiếp "
    "theo.Trường hợp cần xác minh điều kiện kết hôn của hai bên nam, nữ thì thời hạn giải quyết "
    'không quá 05 ngày làm việc.","Lệ phí : Đồng (Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn '
    "(nếu có yêu cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của "
    'Bộ Tài chính.)  ",Tờ khai đăng ký kết hôn',
    '2.000884,Chứng thực chữ ký trong các giấy tờ văn bản,Chứng thực,Cấp xã,"Thời hạn thực hiện '
    "yêu cầu chứng thực là ngay trong ngày cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm "
    'việc tiếp theo nếu tiếp nhận yêu cầu sau 15 giờ.",Phí: Đồng  ,Giấy tờ cần chứng thực chữ ký',
]


def test_portal_rows_import_flagged_for_review_never_published(demo_org):
    report = national_import(_csv(*PORTAL_ROWS), filename="dvc.csv", by=None, dry_run=True)
    assert report.errors == []
    flags = {e.code: [f["code"] for f in e.flags] for e in report.entries}
    assert flags == {
        "2.000635": [],
        "1.000894": ["deadline_several_cases", "fee_unreadable"],
        "2.000884": ["fee_unreadable"],
    }
    assert not any(e.published for e in report.entries if flags[e.code])


def test_portal_rows_with_a_typo_in_one_code_write_nothing(demo_org):
    """A letter O typed for a zero in one row: that row is refused with a Vietnamese reason
    naming it, and the two good rows are not written either."""
    before = _counts()
    rows = [*PORTAL_ROWS[:2], PORTAL_ROWS[2].replace("2.000884", "2.0OO884")]
    report = national_import(_csv(*rows), filename="dvc.csv", by=None, dry_run=False)
    assert not report.applied
    assert report.errors == [
        "Dòng 4: Mã thủ tục: mã thủ tục “2.0OO884” không đúng dạng d.dddddd (ví dụ 1.003583) "
        "hoặc dạng ký hiệu của tỉnh (ví dụ 1.003583.000.00.00.H37)."
    ]
    assert _counts() == before
