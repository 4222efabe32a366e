"""The counter's guard rails (issue #12 §4): identity numbers beyond their length, birth dates,
the CCCD QR line, receipt wording. Each refusal gives a Vietnamese message and writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from congso.audit.models import AuditEvent
from congso.dossiers import services as s
from congso.dossiers.identity import (
    FEMALE,
    MALE,
    identity_problem,
    parse_cccd_qr,
    province_codes,
)
from congso.dossiers.models import Dossier
from congso.procedures.models import DurationKind

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

QR = "001099012345|012345678|Nguyễn Văn An|01011999|Nam|Số 1 phố X, phường Y, Hà Nội|15062021"
TODAY = dt.date(2026, 12, 2)


# ---------------------------------------------------------------------------------------------
# Identity numbers


def test_province_codes_are_data_with_63_codes():
    codes = province_codes()
    assert len(codes) == 63
    assert codes["001"] == "Hà Nội" and codes["079"] == "Hồ Chí Minh" and "003" not in codes


@pytest.mark.parametrize(
    "number, birth, message",
    [
        ("00109001234", None, "gồm đúng 12 chữ số"),
        ("000000000000", None, "toàn chữ số 0"),
        ("003090012345", None, "003 không phải mã tỉnh"),
        ("099090012345", None, "099 không phải mã tỉnh"),
        ("001290012345", None, "năm sinh theo số (2090) ở tương lai"),
        ("001090012345", dt.date(1991, 5, 1), "năm sinh 1990"),
        ("001290012345", dt.date(1990, 5, 1), "tương lai"),
    ],
)
def test_identity_problems_are_vietnamese(number, birth, message):
    problem = identity_problem(number, birth_date=birth, today=TODAY)
    assert problem is not None and message in problem


def test_identity_century_and_sex_digit():
    assert (
        identity_problem("001090012345", birth_date=dt.date(1990, 1, 1), sex=MALE, today=TODAY)
        is None
    )
    assert (
        identity_problem("001190012345", birth_date=dt.date(1990, 1, 1), sex=FEMALE, today=TODAY)
        is None
    )
    assert (
        identity_problem("001205012345", birth_date=dt.date(2005, 3, 1), sex=MALE, today=TODAY)
        is None
    )
    assert identity_problem("001305012345", birth_date=dt.date(2005, 3, 1), today=TODAY) is None
    assert "giới tính" in identity_problem("001090012345", sex=FEMALE, today=TODAY)
    # Codes kept by the 34 provinces of 2025 and codes of merged provinces are both valid.
    assert identity_problem("046090012345", today=TODAY) is None  # Huế
    assert identity_problem("002090012345", today=TODAY) is None  # Hà Giang (2016)


def _counts():
    return Dossier.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"id_number": "003090012345"}, "applicant_id_number", "không phải mã tỉnh"),
        ({"id_number": "000000000000"}, "applicant_id_number", "toàn chữ số 0"),
        (
            {"id_number": "001090012345", "birth_date": dt.date(1985, 1, 1)},
            "applicant_id_number",
            "không khớp ngày sinh",
        ),
        ({"birth_date": dt.date(2099, 1, 1)}, "applicant_birth_date", "Ngày sinh không được sau"),
        (
            {"proxy_name": "Lê Văn Cường", "proxy_id_number": "999090012345"},
            "proxy_id_number",
            "mã tỉnh",
        ),
    ],
)
def test_intake_service_refuses_bad_identity_and_writes_nothing(
    demo_org, district_version, changes, field, message
):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        s.dossier_receive(
            by=demo_org.staff["motcua.tx"],
            receiving_unit=demo_org.desk,
            version=district_version,
            applicant=dataclasses.replace(person(), **changes),
            papers=all_papers(district_version),
            at=local(2026, 3, 2, 9),
        )
    assert message in " ".join(exc.value.message_dict[field])
    assert _counts() == before


def test_intake_service_keeps_a_matching_birth_date(demo_org, district_version):
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=dataclasses.replace(person(), birth_date=dt.date(1990, 7, 14)),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )
    assert Dossier.objects.get(pk=d.pk).applicant_birth_date == dt.date(1990, 7, 14)


# ---------------------------------------------------------------------------------------------
# The CCCD QR line


def test_parse_cccd_qr():
    card = parse_cccd_qr(QR)
    assert card is not None
    assert (card.id_number, card.old_id, card.name) == (
        "001099012345",
        "012345678",
        "Nguyễn Văn An",
    )
    assert card.birth_date == dt.date(1999, 1, 1) and card.sex == MALE
    assert card.address == "Số 1 phố X, phường Y, Hà Nội" and card.issued_on == dt.date(2021, 6, 15)
    assert parse_cccd_qr("  " + QR.replace("|Nam|", "|Nữ|") + "\n").sex == FEMALE
    six = parse_cccd_qr("001099012345||Nguyễn Văn An|01011999|Nam|Hà Nội")
    assert six is not None and six.old_id == "" and six.issued_on is None
    bad_date = parse_cccd_qr("001099012345||Nguyễn Văn An|31021999|Nam|Hà Nội|15062021")
    assert bad_date is not None and bad_date.birth_date is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nguyễn Văn An",
        "001099012345",
        "a|b|c|d|e|f|g",
        "00109901234|x|Tên|01011999|Nam|Hà Nội|15062021",
        "001099012345|x||01011999|Nam|Hà Nội|15062021",
        "001099012345|x|Tên|01011999|Nam|Hà Nội|15062021|thừa|thừa",
    ],
)
def test_parse_cccd_qr_rejects_other_text(text):
    assert parse_cccd_qr(text) is None


# ---------------------------------------------------------------------------------------------
# Printed forms


def _pdf_text(client, dossier, number):
    response = client.get(reverse("dossiers:form_pdf", args=[dossier.ref, number]))
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_receipt_says_trong_ngay_for_a_same_day_procedure(client, demo_org, district_version):
    district_version.duration, district_version.duration_kind = Decimal(1), DurationKind.SAME_DAY
    district_version.save()
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )
    client.force_login(demo_org.user("motcua.tx"))
    text = _pdf_text(client, d, 1)
    assert "theo quy định là: Trong ngày" in text and "1 trong ngày" not in text


def test_form_2_names_the_officer(client, demo_org, district_version):
    d = s.dossier_request_completion_at_intake(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        missing="Bản sao giấy chứng sinh",
        at=local(2026, 3, 2, 9),
    )
    client.force_login(demo_org.user("motcua.tx"))
    text = _pdf_text(client, d, 2)
    assert demo_org.staff["motcua.tx"].name in text
