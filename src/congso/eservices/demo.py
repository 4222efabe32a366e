"""Demo citizen: ``congdan@congso.local`` (password: the demo password) with two online
dossiers — one waiting at the desk, one accepted and waiting for its fee (to try the sandbox
payment). Running it again creates nothing new (keys are derived, not random)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from congso.accounts.models import AccountKind, User
from congso.core import pdf
from congso.dossiers.fees import fee_ceiling
from congso.dossiers.models import Dossier, Status
from congso.dossiers.services import dossier_accept, dossier_request_payment
from congso.org.demo import DEMO_PASSWORD, load_org_demo
from congso.org.models import Role, RoleAssignment, Staff

from . import selectors, submission
from .models import CitizenProfile

EMAIL = "congdan@congso.local"
NAMESPACE = uuid.UUID("6f1c3f52-7a43-4c8e-9b3f-2f7d0c1e5a10")


def _citizen() -> User:
    user = User.objects.filter(username=EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            username=EMAIL,
            email=EMAIL,
            password=DEMO_PASSWORD,
            kind=AccountKind.CITIZEN,
            full_name="Nguyễn Văn Dân",
            phone="0987000111",
        )
    CitizenProfile.objects.get_or_create(
        user=user,
        defaults={
            "identity_number": "001090011223",
            "address": "25 Lê Văn Lương, Nhân Chính, Thanh Xuân",
            "email_verified": True,
        },
    )
    return user


def _value(spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    if kind == "date":
        return "1990-05-01"
    if kind == "number":
        return "1"
    if kind == "select":
        return (spec.get("choices") or [""])[0]
    if kind == "checkbox":
        return True
    return "Nguyễn Văn Dân" if "ten" in spec.get("name", "") else "Nội dung mẫu"


def _paper_pdf(name: str) -> SimpleUploadedFile:
    data = pdf.build(
        [pdf.p(name, "title"), pdf.p("Bản quét mẫu (dữ liệu thử nghiệm).")], title=name
    )
    return SimpleUploadedFile("ban-quet.pdf", data)


def _onestop_of(agency: Any) -> Staff | None:
    assignment = (
        RoleAssignment.objects.filter(role=Role.ONESTOP_OFFICER, unit__path__startswith=agency.path)
        .select_related("staff")
        .order_by("pk")
        .first()
    )
    return assignment.staff if assignment else None


def _leader_of(agency: Any) -> Staff | None:
    assignment = (
        RoleAssignment.objects.filter(role=Role.UNIT_LEADER, unit=agency)
        .select_related("staff__user")
        .order_by("pk")
        .first()
    )
    return assignment.staff if assignment else None


@transaction.atomic
def load(variant: str = "2015") -> str | None:
    load_org_demo()
    user = _citizen()
    if Dossier.objects.filter(applicant_user=user).exists():
        return None
    versions = [v for v in selectors.online_versions() if selectors.receiving_units(v).exists()][:2]
    made = 0
    for index, version in enumerate(versions):
        unit = selectors.receiving_units(version).first()
        assert unit is not None
        draft = submission.draft_create(user=user, version=version, unit=unit)
        data = {spec["name"]: _value(spec) for spec in version.form_schema or []}
        uploads: dict[int | None, list[Any]] = {
            p.pk: [_paper_pdf(p.name)] for p in version.papers.all() if p.required
        }
        submission.draft_save(draft=draft, user=user, data=data, uploads=uploads)
        dossier = submission.draft_submit(
            draft=draft, user=user, key=uuid.uuid5(NAMESPACE, str(index)), applicant={}
        )
        made += 1
        officer = _onestop_of(dossier.receiving_unit.agency())
        if index == 1 and officer is not None:
            dossier_accept(dossier=dossier, by=officer)
            dossier.refresh_from_db()
            amount = dossier.fee_total or fee_ceiling(dossier.procedure_version).amount
            if amount:
                dossier_request_payment(
                    dossier=dossier, by=officer, amount=amount, note="Nộp lệ phí trực tuyến"
                )
            else:
                # A free procedure in the catalogue: the agency's leader asks for the fee of the
                # city's newer resolution, with the reason the override needs (issue #12 §4).
                leader = _leader_of(dossier.processing_agency)
                if leader is not None:
                    dossier_request_payment(
                        dossier=dossier,
                        by=leader,
                        amount=20000,
                        note="Nộp lệ phí trực tuyến",
                        override_reason=(
                            "Mức thu theo Nghị quyết mới của HĐND thành phố; danh mục thủ tục "
                            "chưa cập nhật biểu phí"
                        ),
                    )
    if not made:
        return None
    statuses = ", ".join(
        str(Status(d.status).label) for d in Dossier.objects.filter(applicant_user=user)
    )
    return f"Đã nạp công dân mẫu {EMAIL}: {made} hồ sơ trực tuyến ({statuses})."
