"""The incoming and outgoing flows, exchange between two agencies, recall and numbering."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.audit.models import AuditEvent
from congso.documents import services as s
from congso.documents.models import (
    Attachment,
    Channel,
    IncomingDocument,
    IncomingStatus,
    OutgoingStatus,
    PacketCode,
    Secrecy,
    Series,
)
from congso.signing.services import verify_pdf

from .conftest import PIN, docx_bytes, make_pdf, scan

pytestmark = pytest.mark.django_db


def register(org, clerk="vanthu.tx", unit=None, **kw):
    values = {
        "sender_name": "Sở Tư pháp Hà Nội",
        "abstract": "Về việc hòa giải ở cơ sở",
        "number_symbol": "120/STP-VP",
        "files": [scan()],
    }
    values.update(kw)
    return s.incoming_register(by=org.user(clerk), unit=unit or org.district, **values)


def draft(org, kinds, kind="QĐ", by="chuyenvien.tp", unit=None, signer="lanhdao.tx", **kw):
    return s.outgoing_create_draft(
        by=org.user(by),
        drafting_unit=unit or org.departments["TP"],
        kind=kinds[kind],
        abstract=kw.pop("abstract", "Quyết định về việc kiện toàn tổ hòa giải"),
        signer=org.user(signer),
        draft=s.Upload("du-thao.pdf", make_pdf("Dự thảo quyết định")),
        **kw,
    )


def test_incoming_numbers_run_per_unit_per_year_with_a_secret_series(org):
    a = register(org)
    b = register(org)
    secret = register(org, secrecy=Secrecy.SECRET)
    ward = register(org, clerk="vanthu.nc", unit=org.wards["00343"])
    assert (a.number, b.number) == (1, 2)
    assert (secret.series, secret.number) == (Series.SECRET, 1)
    assert ward.number == 1
    assert a.year == b.year


def test_register_rules(org):
    with pytest.raises(PermissionDenied):
        register(org, clerk="vanthu.nc")  # a ward clerk cannot register in the district
    with pytest.raises(ValidationError, match="bản quét"):
        register(org, files=[])
    with pytest.raises(ValidationError, match="không đúng định dạng"):
        register(org, files=[s.Upload("x.pdf", b"MZ not a pdf")])
    with pytest.raises(ValidationError, match="không khớp"):
        register(org, files=[s.Upload("x.exe", b"%PDF-1.4")])
    assert not IncomingDocument.objects.exists()
    doc = register(org, channel=Channel.ELECTRONIC, files=[])
    assert doc.number == 1  # nothing above consumed a number


def test_whole_incoming_flow(org, kinds):
    doc = register(org)
    leader = org.user("lanhdao.tx")
    s.incoming_present(doc=doc, by=org.user("vanthu.tx"), leader=leader)
    with pytest.raises(PermissionDenied):
        s.incoming_direct(
            doc=doc, by=org.user("truongphong.tp"), instruction="x", lead_unit=org.departments["TP"]
        )
    s.incoming_direct(
        doc=doc,
        by=leader,
        instruction="Giao Phòng Tư pháp chủ trì, trả lời trong 5 ngày",
        receiver=org.user("truongphong.tp"),
        lead_unit=org.departments["TP"],
        supporting_units=[org.departments["VP"]],
        deadline_days=5,
    )
    doc.refresh_from_db()
    assert doc.status == IncomingStatus.DIRECTED
    assert doc.handling_due_at is not None and doc.handling_due_at > doc.received_at
    with pytest.raises(PermissionDenied):
        s.incoming_progress(doc=doc, by=org.user("chuyenvien.qldt"), text="x")
    s.incoming_progress(doc=doc, by=org.user("chuyenvien.tp"), text="Đang dự thảo văn bản trả lời")
    reply = draft(org, kinds, kind="Công văn", abstract="Về việc trả lời Sở Tư pháp", reply_to=doc)
    s.incoming_complete(doc=doc, by=org.user("chuyenvien.tp"), text="Đã trả lời", reply=reply)
    doc.refresh_from_db()
    assert doc.status == IncomingStatus.DONE and doc.reply == reply
    assert [n.status for n in doc.notes.all()] == ["presented", "directed", "in_progress", "done"]
    actions = set(
        AuditEvent.objects.filter(
            target_id=str(doc.pk), target_type="documents.incomingdocument"
        ).values_list("action", flat=True)
    )
    assert {
        "incoming.register",
        "incoming.present",
        "incoming.direct",
        "incoming.progress",
        "incoming.complete",
    } <= actions
    with pytest.raises(ValidationError):
        s.incoming_progress(doc=doc, by=org.user("chuyenvien.tp"), text="sau khi xong")


def test_whole_outgoing_flow_signs_then_numbers(org, kinds):
    doc = draft(org, kinds, reviewers=[org.user("truongphong.tp"), org.user("truongphong.vp")])
    tp, vp, leader = org.user("truongphong.tp"), org.user("truongphong.vp"), org.user("lanhdao.tx")
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    with pytest.raises(PermissionDenied):
        s.outgoing_approve(doc=doc, by=vp)  # not yet their turn
    s.outgoing_approve(doc=doc, by=tp)
    s.outgoing_reject(doc=doc, by=vp, note="Sửa căn cứ pháp lý")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.DRAFT
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    s.outgoing_approve(doc=doc, by=tp)
    s.outgoing_approve(doc=doc, by=vp)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.APPROVED and doc.number is None
    with pytest.raises(PermissionDenied):
        s.outgoing_sign(pin=PIN, doc=doc, by=org.user("lanhdao.nc"))
    s.outgoing_sign(pin=PIN, doc=doc, by=leader)
    doc.refresh_from_db()
    assert doc.number_symbol == "01/QĐ-UBND"
    with doc.final_pdf.open("rb") as fh:
        reports = verify_pdf(fh.read())
    assert [r.field_name for r in reports] == ["NguoiKy", "CoQuan"] and all(r.ok for r in reports)
    assert "Nguyễn Văn Hùng" in reports[0].signer_subject
    letter = draft(org, kinds, kind="Công văn")
    s.outgoing_submit_review(doc=letter, by=org.user("chuyenvien.tp"))
    s.outgoing_sign(pin=PIN, doc=letter, by=leader)
    letter.refresh_from_db()
    assert letter.number_symbol == "02/UBND-TP"  # công văn: agency - drafting unit
    secret = draft(org, kinds, secrecy=Secrecy.CONFIDENTIAL)
    s.outgoing_submit_review(doc=secret, by=org.user("chuyenvien.tp"))
    s.outgoing_sign(pin=PIN, doc=secret, by=leader)
    secret.refresh_from_db()
    assert (secret.series, secret.number) == (Series.SECRET, 1)


def test_docx_draft_needs_a_final_pdf(org, kinds):
    doc = s.outgoing_create_draft(
        by=org.user("chuyenvien.tp"),
        drafting_unit=org.departments["TP"],
        kind=kinds["TB"],
        abstract="Thông báo lịch trực",
        signer=org.user("lanhdao.tx"),
        draft=s.Upload("du-thao.docx", docx_bytes()),
    )
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    with pytest.raises(ValidationError, match="DOCX"):
        s.outgoing_sign(pin=PIN, doc=doc, by=org.user("lanhdao.tx"))
    s.outgoing_sign(
        pin=PIN, doc=doc, by=org.user("lanhdao.tx"), pdf=s.Upload("final.pdf", make_pdf())
    )
    doc.refresh_from_db()
    assert doc.number_symbol == "01/TB-UBND"


def _issued(org, kinds, **issue):
    doc = draft(org, kinds)
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    s.outgoing_sign(pin=PIN, doc=doc, by=org.user("lanhdao.tx"))
    return s.outgoing_issue(doc=doc, by=org.user("vanthu.tx"), **issue)


def test_exchange_between_district_and_ward(org, kinds):
    ward = org.wards["00343"]
    doc = _issued(org, kinds, units=[ward])
    [recipient] = doc.recipients.all()
    copy = IncomingDocument.objects.get(source=recipient)
    assert copy.unit == ward and copy.number == 1 and copy.channel == Channel.ELECTRONIC
    assert copy.number_symbol == doc.number_symbol and copy.sender_unit == org.district
    with copy.attachments.get().file.open("rb") as fh:
        assert all(r.ok for r in verify_pdf(fh.read()))
    assert recipient.status == PacketCode.ARRIVED
    s.incoming_present(doc=copy, by=org.user("vanthu.nc"), leader=org.user("lanhdao.nc"))
    s.incoming_direct(
        doc=copy,
        by=org.user("lanhdao.nc"),
        instruction="Giao công chức tư pháp",
        receiver=org.user("congchuc.nc"),
        deadline_days=3,
    )
    s.incoming_progress(doc=copy, by=org.user("congchuc.nc"), text="Đang kiện toàn")
    s.incoming_complete(doc=copy, by=org.user("congchuc.nc"), text="Xong")
    recipient.refresh_from_db()
    codes = list(recipient.packets.values_list("code", flat=True))
    assert codes == ["01", "03", "04", "05", "06"]
    assert recipient.status == PacketCode.DONE


def test_recall_accepted_and_refused(org, kinds):
    nc, km = org.wards["00343"], org.wards["00352"]
    doc = _issued(
        org, kinds, units=[nc, km], external=[s.ExternalRecipient("Sở Tư pháp", "G01.30")]
    )
    with pytest.raises(PermissionDenied):
        s.outgoing_recall(doc=doc, by=org.user("vanthu.nc"), reason="x")
    doc = s.outgoing_recall(doc=doc, by=org.user("lanhdao.tx"), reason="Sai căn cứ")
    assert doc.status == OutgoingStatus.RECALL_REQUESTED
    copy_nc = IncomingDocument.objects.get(unit=nc)
    copy_km = IncomingDocument.objects.get(unit=km)
    assert copy_nc.recall_requested
    s.incoming_answer_recall(doc=copy_nc, by=org.user("vanthu.nc"), accept=True)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.RECALL_REQUESTED  # Khương Mai has not answered
    s.incoming_answer_recall(
        doc=copy_km, by=org.user("lanhdao.km"), accept=False, reason="Đã thực hiện"
    )
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.ISSUED  # one refused: stays issued
    codes = {r.name: list(r.packets.values_list("code", flat=True)) for r in doc.recipients.all()}
    assert codes[nc.name] == ["01", "13", "15"] and codes[km.name] == ["01", "13", "16"]
    copy_nc.refresh_from_db()
    assert copy_nc.status == IncomingStatus.RECALLED
    # A second recall that everyone accepts recalls the document.
    s.outgoing_recall(doc=doc, by=org.user("lanhdao.tx"), reason="Thu hồi lần 2")
    s.incoming_answer_recall(doc=copy_km, by=org.user("vanthu.km"), accept=True)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.RECALLED


def test_overdue_reminders(org, mailoutbox, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    doc = register(org)
    s.incoming_present(doc=doc, by=org.user("vanthu.tx"), leader=org.user("lanhdao.tx"))
    s.incoming_direct(
        doc=doc,
        by=org.user("lanhdao.tx"),
        instruction="Xử lý",
        receiver=org.user("chuyenvien.tp"),
        deadline_days=2,
    )
    later = timezone.now() + dt.timedelta(days=10)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert s.incoming_remind_overdue(now=later) == 1
        assert s.incoming_remind_overdue(now=later) == 0  # once a day
    assert len(mailoutbox) == 1 and "quá hạn" in mailoutbox[0].subject


def test_merge_moves_open_documents(org, kinds):
    from congso.org.services import unit_merge

    nc, km = org.wards["00343"], org.wards["00352"]
    open_doc = register(org, clerk="vanthu.nc", unit=nc)
    unit_merge(source=nc, successor=km)
    open_doc.refresh_from_db()
    assert open_doc.holder == km and open_doc.unit == nc
    later = register(org, clerk="vanthu.km", unit=km)
    assert later.number == 1  # Khương Mai's own register is untouched


def test_remind_command(org, mailoutbox, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from .factories import IncomingFactory

    IncomingFactory(unit=org.district, overdue=True, handler=org.user("chuyenvien.tp"))
    IncomingFactory(
        unit=org.district,
        handling_due_at=timezone.now() + dt.timedelta(days=3),
        status=IncomingStatus.DIRECTED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents_remind")
    assert len(mailoutbox) == 1


def test_numbers_restart_each_year_and_per_agency(org, kinds):
    import datetime as dt

    from django.utils import timezone

    last_year = timezone.make_aware(dt.datetime(2025, 12, 31, 16, 0))
    old = register(org, received_at=last_year)
    new = register(org)
    assert (old.year, old.number) == (2025, 1)
    assert new.number == 1 and new.year == timezone.localdate().year
    district_doc = draft(org, kinds)
    ward_doc = draft(org, kinds, by="congchuc.nc", unit=org.wards["00343"], signer="lanhdao.nc")
    for doc, signer in [(district_doc, "lanhdao.tx"), (ward_doc, "lanhdao.nc")]:
        s.outgoing_submit_review(doc=doc, by=doc.created_by)
        s.outgoing_sign(pin=PIN, doc=doc, by=org.user(signer))
        doc.refresh_from_db()
    assert district_doc.number_symbol == "01/QĐ-UBND" and ward_doc.number_symbol == "01/QĐ-UBND"
    assert district_doc.agency != ward_doc.agency


def test_uploads_go_through_the_project_validator(org, kinds, settings):
    """Finding 11.9: the documents app ran its own magic check (HTML behind a TIFF header passed)
    and never called the virus scanner."""
    polyglot = s.Upload("cong-van.tif", b"II*\x00\x08\x00\x00\x00<html><script>alert(1)</script>")
    with pytest.raises(ValidationError, match="mã HTML"):
        register(org, files=[polyglot])
    settings.CONGSO_VIRUS_SCANNER = "congso.core.uploads.EicarScanner"
    infected = s.Upload(
        "scan.pdf",
        make_pdf() + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
    )
    with pytest.raises(ValidationError, match="mã độc"):
        register(org, files=[infected])
    with pytest.raises(ValidationError, match="mã độc"):
        s.outgoing_create_draft(
            by=org.user("chuyenvien.tp"),
            drafting_unit=org.departments["TP"],
            kind=kinds["QĐ"],
            abstract="Dự thảo",
            signer=org.user("lanhdao.tx"),
            draft=s.Upload("du-thao.pdf", infected.data),
        )
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists()
    # A good scan is stored under a safe name, with the type the content shows.
    doc = register(org, files=[s.Upload("../Công văn số 12.PDF", make_pdf(), "text/html")])
    att = doc.attachments.get()
    assert att.content_type == "application/pdf" and att.file.name.endswith("/cong-van-so-12.pdf")
    assert (
        att.name == "Công văn số 12.PDF"
    )  # shown and offered as the download name, without a path
