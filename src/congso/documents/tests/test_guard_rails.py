"""Guard rails of the records office (issue #12 §4): an incoming document dated after its
arrival is refused, and a recipient outside CongSo needs an agency code (mã định danh, QĐ
20/2020 or QCVN 102:2016) unless marked as outside the exchange (gửi ngoài trục liên thông).
Each refusal is a Vietnamese message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from congso.documents import services as s
from congso.documents.models import IncomingDocument, OutgoingStatus, Recipient

from .conftest import PIN, scan
from .test_flows import draft

pytestmark = pytest.mark.django_db


def _at(y, m, d, hh=9):
    return timezone.make_aware(dt.datetime(y, m, d, hh))


def _register(org, **kw):
    values = {
        "sender_name": "Sở Tư pháp Hà Nội",
        "abstract": "Về việc hòa giải ở cơ sở",
        "number_symbol": "120/STP-VP",
        "files": [scan()],
    }
    values.update(kw)
    return s.incoming_register(by=org.user("vanthu.tx"), unit=org.district, **values)


def test_incoming_dated_after_its_arrival_is_refused(org):
    with pytest.raises(ValidationError) as caught:
        _register(org, document_date=dt.date(2026, 3, 5), received_at=_at(2026, 3, 4))
    assert caught.value.message_dict["document_date"] == [
        "Ngày văn bản (05/03/2026) sau ngày đến (04/03/2026): văn bản không thể được ban hành "
        "sau khi đã đến. Kiểm tra lại ngày văn bản và ngày đến."
    ]
    assert not IncomingDocument.objects.exists()
    # The same day, or earlier, is a document.
    same_day = _register(org, document_date=dt.date(2026, 3, 4), received_at=_at(2026, 3, 4, 23))
    assert same_day.number == 1  # the refused one took no number
    _register(org, document_date=dt.date(2026, 3, 1), received_at=_at(2026, 3, 4))


def test_incoming_register_page_shows_the_refusal_on_the_date(client, org):
    client.force_login(org.user("vanthu.tx"))
    response = client.post(
        reverse("documents:incoming_register"),
        {
            "unit": org.district.pk,
            "sender_name": "Sở Tư pháp Hà Nội",
            "abstract": "Về việc hòa giải ở cơ sở",
            "number_symbol": "120/STP-VP",
            "document_date": "2026-03-05",
            "received_at": "2026-03-04 09:00",
            "urgency": "normal",
            "secrecy": "normal",
            "channel": "paper",
            "page_count": 1,
            "scans": scan_upload(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Ngày văn bản (05/03/2026) sau ngày đến" in html
    assert not IncomingDocument.objects.exists()


def scan_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = scan()
    return SimpleUploadedFile(upload.name, upload.data, content_type="application/pdf")


def _signed(org, kinds):
    doc = draft(org, kinds)
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    s.outgoing_sign(pin=PIN, doc=doc, by=org.user("lanhdao.tx"))
    return doc


@pytest.mark.parametrize(
    ("organ_id", "message"),
    [
        ("", "cần mã định danh"),
        ("Sở Tư pháp", "Mã định danh không hợp lệ"),
        ("G1.30", "Mã định danh không hợp lệ"),
        ("000.00.31", "Mã định danh không hợp lệ"),
    ],
)
def test_outside_recipient_needs_an_agency_code_or_the_outside_flag(org, kinds, organ_id, message):
    doc = _signed(org, kinds)
    with pytest.raises(ValidationError, match=message):
        s.outgoing_issue(
            doc=doc,
            by=org.user("vanthu.tx"),
            units=[org.wards["00343"]],
            external=[s.ExternalRecipient("Sở Tư pháp Hà Nội", organ_id)],
        )
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED and not Recipient.objects.exists()
    assert not IncomingDocument.objects.exists()  # the ward received nothing either


def test_codes_of_both_styles_and_the_outside_flag_are_accepted(org, kinds):
    doc = _signed(org, kinds)
    s.outgoing_issue(
        doc=doc,
        by=org.user("vanthu.tx"),
        external=[
            s.ExternalRecipient("Sở Tư pháp Hà Nội", "g01.30"),  # typed in lower case
            s.ExternalRecipient("Văn phòng Chính phủ", "000.00.31.H56"),
            s.ExternalRecipient("Công ty TNHH An Bình", outside_exchange=True),
        ],
    )
    rows = {r.name: r for r in Recipient.objects.filter(outgoing=doc)}
    assert rows["Sở Tư pháp Hà Nội"].organ_id == "G01.30" and rows["Sở Tư pháp Hà Nội"].package
    assert rows["Văn phòng Chính phủ"].package
    outside = rows["Công ty TNHH An Bình"]
    assert outside.outside_exchange and outside.organ_id == "" and not outside.package


def test_issue_page_takes_outside_recipients_on_their_own_lines(client, org, kinds):
    doc = _signed(org, kinds)
    client.force_login(org.user("vanthu.tx"))
    url = reverse("documents:outgoing_issue", args=[doc.pk])
    page = client.post(url, {"external": "Sở Tư pháp Hà Nội"}, follow=True).content.decode()
    assert "cần mã định danh" in page and "ngoài trục liên thông" in page
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED
    client.post(url, {"external": "Sở Tư pháp | G01.30", "outside": "Công ty TNHH An Bình\n"})
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.ISSUED
    detail = client.get(reverse("documents:outgoing_detail", args=[doc.pk])).content.decode()
    assert "Công ty TNHH An Bình" in detail and "gửi ngoài trục liên thông" in detail
