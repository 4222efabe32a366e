"""The life of a dossier through the services: intake, deadlines, handovers (form 5),
supplement pause, apology, liên thông, return; with audit, history and sync rows."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.audit.services import audit_trail, audit_verify
from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Handover, RegisterEntry, Stage, Status, SyncJob
from congso.notify.models import Notification, SmsOutbox

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db(transaction=False)


def receive(org, version, at, **kw):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=kw.pop("applicant", person()),
        papers=all_papers(version),
        at=at,
        **kw,
    )


def run_to_result(org, d, at_day=3):
    tp = org.departments["TP"]
    s.dossier_hand_over(
        dossier=d, by=org.staff["motcua.tx"], to_unit=tp, at=local(2026, 3, at_day, 10)
    )
    s.dossier_assign(
        dossier=d,
        by=org.staff["truongphong.tp"],
        specialist=org.staff["chuyenvien.tp"],
        at=local(2026, 3, at_day, 11),
    )
    s.dossier_submit(
        dossier=d,
        by=org.staff["chuyenvien.tp"],
        result_summary="Đủ điều kiện",
        at=local(2026, 3, at_day, 14),
    )
    s.dossier_approve(dossier=d, by=org.staff["lanhdao.tx"], at=local(2026, 3, at_day, 15))
    s.dossier_record_result(
        dossier=d, by=org.staff["vanthu.tx"], result_number="15/TP", at=local(2026, 3, at_day, 16)
    )
    s.dossier_return_to_desk(
        dossier=d, by=org.staff["vanthu.tx"], at=local(2026, 3, at_day, 16, 30)
    )
    d.refresh_from_db()
    return d


def test_counter_intake_gives_code_due_register_and_side_effects(
    demo_org, district_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    assert re.fullmatch(r"H26\.09-260302-0001", d.code)
    assert d.status == Status.ACCEPTED and d.stage == Stage.DESK
    assert d.due_at == local(2026, 3, 5, 9)  # Monday 09:00 + 3 working days
    assert RegisterEntry.objects.get(dossier=d).number == 1
    assert d.steps.count() == 5 and d.papers.count() == 2 and d.fee_total == 8000
    assert SyncJob.objects.get(dossier=d).payload["MaHoSo"] == d.code
    assert SyncJob.objects.get(dossier=d).payload["NgayHenTra"] == "20260305090000"
    assert len(mail.outbox) == 1 and d.code in mail.outbox[0].subject
    assert SmsOutbox.objects.filter(phone="0912345678").exists()
    assert Notification.objects.filter(event="dossier.accepted").count() == 2
    second = receive(demo_org, district_version, local(2026, 3, 2, 9, 5))
    assert second.code.endswith("-0002")
    next_day = receive(demo_org, district_version, local(2026, 3, 3, 9))
    assert next_day.code == "H26.09-260303-0001"  # the counter restarts each day


def test_after_cutoff_counts_from_next_working_day(demo_org, district_version):
    d = receive(demo_org, district_version, local(2026, 3, 2, 15, 30))
    assert d.due_at == local(2026, 3, 5, 17)  # Tuesday 08:00 + 24 working hours
    friday = receive(demo_org, district_version, local(2026, 3, 6, 16))
    assert friday.due_at == local(2026, 3, 11, 17)  # Monday 08:00 → Wednesday 17:00


def test_missing_required_paper_refuses_acceptance_and_writes_nothing(demo_org, district_version):
    with pytest.raises(ValidationError):
        s.dossier_receive(
            by=demo_org.staff["motcua.tx"],
            receiving_unit=demo_org.desk,
            version=district_version,
            applicant=person(),
            papers=[],
            at=local(2026, 3, 2, 9),
        )
    with pytest.raises(ValidationError):
        receive(
            demo_org, district_version, local(2026, 3, 2, 9), applicant=person(id_number="12345")
        )
    bad = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        receive(demo_org, district_version, local(2026, 3, 2, 9), attachments=[bad])
    assert Dossier.objects.count() == 0 and SyncJob.objects.count() == 0


def test_ward_officer_cannot_receive_at_district_desk(demo_org, district_version):
    with pytest.raises(PermissionDenied):
        s.dossier_receive(
            by=demo_org.staff["motcua.nc"],
            receiving_unit=demo_org.desk,
            version=district_version,
            applicant=person(),
            papers=all_papers(district_version),
            at=local(2026, 3, 2, 9),
        )


def test_whole_flow_fills_form5_and_judges_steps(demo_org, district_version):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    d = run_to_result(demo_org, d, at_day=4)
    assert d.status == Status.RESULT_READY and d.stage == Stage.RETURN
    assert d.timeliness == "early"  # result on Wednesday, due Thursday
    rows = list(Handover.objects.filter(dossier=d).order_by("sent_at"))
    assert [h.action for h in rows] == [
        "hand_over",
        "assign",
        "submit",
        "approve",
        "return_to_desk",
    ]
    assert rows[0].timeliness == "late"  # the desk step (0.5 day) was due Monday 13:00
    assert all(h.received_at for h in rows[:-1])
    s.dossier_return_result(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        collected_by="Nguyễn Văn An",
        at=local(2026, 3, 5, 8, 30),
    )
    d.refresh_from_db()
    assert d.status == Status.RETURNED and d.returned_at
    actions = [e.action for e in audit_trail(d)]
    assert actions[0] == "dossier.receive" and actions[-1] == "dossier.return_result"
    assert d.history.count() == len(actions)
    assert SyncJob.objects.filter(dossier=d).count() == len(actions)
    assert audit_verify().ok


def test_supplement_pauses_the_clock_once(
    demo_org, district_version, django_capture_on_commit_callbacks
):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    s.dossier_hand_over(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 9, 30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_supplement_request(
            dossier=d,
            by=demo_org.staff["truongphong.tp"],
            missing="Bản sao sổ hộ khẩu",
            at=local(2026, 3, 2, 10),
        )
    assert Notification.objects.filter(event="dossier.supplement").exists()
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT
    sup = s.dossier_supplement_receive(
        dossier=d, by=demo_org.staff["motcua.tx"], at=local(2026, 3, 3, 10)
    )
    d.refresh_from_db()
    assert sup.waited_seconds == 8 * 3600  # Mon 10-12, 13-17, Tue 8-10
    assert d.due_at == local(2026, 3, 6, 9) and d.original_due_at == local(2026, 3, 5, 9)
    assert d.status == Status.PROCESSING
    with pytest.raises(ValidationError, match="một lần"):
        s.dossier_supplement_request(
            dossier=d,
            by=demo_org.staff["truongphong.tp"],
            missing="Lần hai",
            at=local(2026, 3, 3, 11),
        )


def test_apology_rules(demo_org, district_version):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))  # due Thu 05/03 09:00
    leader = demo_org.staff["lanhdao.tx"]
    with pytest.raises(PermissionDenied):
        s.dossier_apologise(
            dossier=d,
            by=demo_org.staff["motcua.tx"],
            reason="Chậm",
            new_due_at=local(2026, 3, 10, 9),
            at=local(2026, 3, 4, 8),
        )
    with pytest.raises(ValidationError, match="ít nhất một ngày"):
        s.dossier_apologise(
            dossier=d,
            by=leader,
            reason="Chậm",
            new_due_at=local(2026, 3, 10, 9),
            at=local(2026, 3, 4, 10),
        )  # only 7 working hours left
    with pytest.raises(ValidationError):
        s.dossier_apologise(
            dossier=d,
            by=leader,
            reason="Chậm",
            new_due_at=local(2026, 3, 4, 9),
            at=local(2026, 3, 4, 8),
        )  # new date not after the old one
    s.dossier_apologise(
        dossier=d,
        by=leader,
        reason="Cần xác minh thêm",
        new_due_at=local(2026, 3, 10, 9),
        at=local(2026, 3, 4, 8),
    )
    d.refresh_from_db()
    assert d.due_at == local(2026, 3, 10, 9) and d.original_due_at == local(2026, 3, 5, 9)
    with pytest.raises(ValidationError, match="một lần"):
        s.dossier_apologise(
            dossier=d,
            by=leader,
            reason="Lần hai",
            new_due_at=local(2026, 3, 20, 9),
            at=local(2026, 3, 5, 8),
        )


def test_payment_round_trip_restores_status(demo_org, district_version):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    s.dossier_request_payment(
        dossier=d, by=demo_org.staff["motcua.tx"], amount=8000, at=local(2026, 3, 2, 10)
    )
    d.refresh_from_db()
    assert d.status == Status.AWAITING_PAYMENT
    s.dossier_payment_confirmed(dossier=d, by=None, reference="VNPAY-1")
    d.refresh_from_db()
    assert d.status == Status.ACCEPTED and d.fee_paid and d.status_before_payment is None


def test_online_submission_then_acceptance_and_idempotency(demo_org, district_version):
    applicant = person()
    first = s.dossier_submit_online(
        version=district_version,
        agency=demo_org.district,
        applicant=applicant,
        idempotency_key="k-1",
        at=local(2026, 3, 2, 20),
    )
    again = s.dossier_submit_online(
        version=district_version,
        agency=demo_org.district,
        applicant=applicant,
        idempotency_key="k-1",
        at=local(2026, 3, 2, 20, 1),
    )
    assert first.pk == again.pk and first.code is None and first.status == Status.NEW
    d = s.dossier_accept(dossier=first, by=demo_org.staff["motcua.tx"], at=local(2026, 3, 3, 8, 30))
    assert d.status == Status.ACCEPTED and d.code.startswith("H26.09-260303-")
    assert d.due_at == local(2026, 3, 6, 8, 30)


def test_lien_thong_ward_to_district(demo_org, district_version):
    ward = demo_org.wards["00343"]
    from congso.procedures.models import UnitProcedure

    UnitProcedure.objects.create(unit=ward, procedure=district_version.procedure)
    d = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=ward,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )
    assert d.code.startswith("H26.09.343-260302-")
    s.dossier_forward(
        dossier=d,
        by=demo_org.staff["motcua.nc"],
        to_agency=demo_org.district,
        at=local(2026, 3, 2, 10),
    )
    d.refresh_from_db()
    assert d.handling_unit == demo_org.desk and d.processing_agency == demo_org.district
    with pytest.raises(PermissionDenied):  # the ward no longer holds it
        s.dossier_hand_over(
            dossier=d, by=demo_org.staff["motcua.nc"], to_unit=demo_org.departments["TP"]
        )
    d = run_to_result(demo_org, d, at_day=3)
    with pytest.raises(PermissionDenied):  # the district desk does not act at the ward (ADR 0059)
        s.dossier_return_result(dossier=d, by=demo_org.staff["motcua.tx"], collected_by="A")
    s.dossier_return_forwarded(dossier=d, by=demo_org.staff["motcua.tx"], at=local(2026, 3, 4, 8))
    s.dossier_return_result(
        dossier=d,
        by=demo_org.staff["motcua.nc"],
        collected_by="Nguyễn Văn An",
        at=local(2026, 3, 4, 9),
    )
    d.refresh_from_db()
    assert d.status == Status.RETURNED
    units = [(h.from_unit_id, h.to_unit_id) for h in d.handovers.order_by("sent_at")]
    assert units[0] == (ward.pk, demo_org.desk.pk) and units[-1] == (demo_org.desk.pk, ward.pk)


def test_refusal_and_completion_at_intake(demo_org, district_version):
    refused = s.dossier_refuse_at_intake(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        reason="Không thuộc thẩm quyền",
    )
    assert refused.status == Status.REFUSED and refused.code is None
    waiting = s.dossier_request_completion_at_intake(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        missing="Tờ khai có chữ ký",
    )
    assert waiting.status == Status.NEW and waiting.supplements.get().during_processing is False
    accepted = s.dossier_accept(
        dossier=waiting, by=demo_org.staff["motcua.tx"], papers=all_papers(district_version)
    )
    assert accepted.status == Status.ACCEPTED and accepted.code


def test_due_soon_threshold_is_one_working_day_without_the_intake_cutoff(demo_org):
    from congso.dossiers.deadlines import one_working_day_from

    # Mon 02/03/2026 15:30 is after the 15:00 intake cut-off; the threshold is still Tue 15:30,
    # not Tue 17:00 (which is what counting a new dossier from the next morning would give).
    assert one_working_day_from(demo_org.district, local(2026, 3, 2, 15, 30)) == local(
        2026, 3, 3, 15, 30
    )
    assert one_working_day_from(demo_org.district, local(2026, 3, 2, 9)) == local(2026, 3, 3, 9)
    # Friday afternoon: the weekend is skipped.
    assert one_working_day_from(demo_org.district, local(2026, 3, 6, 15, 30)) == local(
        2026, 3, 9, 15, 30
    )
