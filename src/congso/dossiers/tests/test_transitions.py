"""Walks the whole transition table through the real services: every allowed (status, action)
pair succeeds and lands on the table's status, every forbidden pair is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from congso.dossiers import services as s
from congso.dossiers.actions import REGISTRY
from congso.dossiers.models import Dossier, Handover, Stage, Status, Supplement
from congso.dossiers.workflow import (
    ACTION_STAGES,
    ACTIONS,
    PREVIOUS,
    TRANSITIONS,
    allowed_actions,
    next_status,
)
from congso.signing.pins import has_pin, signer_pin_set

from .conftest import all_papers, person
from .factories import local
from .test_registry import PIN, result_pdf

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 2, 9)
LATER = local(2026, 3, 2, 10)

STAGE_UNIT = {
    Stage.DESK: "desk",
    Stage.DEPARTMENT: "TP",
    Stage.SPECIALIST: "TP",
    Stage.LEADER: "district",
    Stage.CLERK: "district",
    Stage.RETURN: "desk",
    Stage.CLOSED: "desk",
}


def _unit(org, key):
    return {"desk": org.desk, "district": org.district}.get(key) or org.departments[key]


def _prepare(org, version, status: int, action: str) -> Dossier:
    """A dossier put into ``status`` at a stage where ``action`` makes sense."""
    if status == Status.NEW:
        d = s.dossier_submit_online(version=version, agency=org.district, applicant=person(), at=AT)
    else:
        d = s.dossier_receive(
            by=org.staff["motcua.tx"],
            receiving_unit=org.desk,
            version=version,
            applicant=person(),
            papers=all_papers(version),
            at=AT,
        )
    stages = ACTION_STAGES[action]
    stage = Stage.DESK if not stages or Stage.DESK in stages else sorted(stages)[0]
    if action == "submit":
        stage = Stage.SPECIALIST
    changes = {
        "status": status,
        "stage": stage,
        "handling_unit": _unit(org, STAGE_UNIT[stage]),
        "handler": org.staff["chuyenvien.tp"] if stage == Stage.SPECIALIST else None,
    }
    if status == Status.AWAITING_PAYMENT:
        changes["status_before_payment"] = Status.PROCESSING
    if status == Status.SUPPLEMENT:
        changes["paused_at"] = AT
        Supplement.objects.create(
            dossier=d, missing="Giấy tờ", requested_by=org.staff["truongphong.tp"], requested_at=AT
        )
    if action == "return_forwarded":
        changes.update(forwarded=True, receiving_unit=org.wards["00343"])
    if action == "sign_result":  # a recorded PDF result; the leader has a signing PIN
        d.result_file.save("ket-qua.pdf", ContentFile(result_pdf()), save=False)
        changes["result_file"] = d.result_file.name
        if not has_pin(org.staff["lanhdao.tx"].user):
            signer_pin_set(user=org.staff["lanhdao.tx"].user, pin=PIN)
    if action == "send_back":
        Handover.objects.create(
            dossier=d,
            action="submit",
            from_unit=org.departments["TP"],
            from_staff=org.staff["chuyenvien.tp"],
            to_unit=org.district,
            sent_at=AT,
        )
    Dossier.objects.filter(pk=d.pk).update(**changes)
    d.refresh_from_db()
    return d


def _call(org, action: str, d: Dossier, status: int):
    st = org.staff
    calls = {
        "accept": lambda: s.dossier_accept(dossier=d, by=st["motcua.tx"], at=LATER),
        "refuse": lambda: s.dossier_refuse(
            dossier=d,
            reason="Không đủ điều kiện",
            at=LATER,
            by=st["motcua.tx"] if status == Status.NEW else st["lanhdao.tx"],
        ),
        "request_completion": lambda: s.dossier_request_completion(
            dossier=d, by=st["motcua.tx"], missing="Tờ khai", at=LATER
        ),
        "withdraw": lambda: s.dossier_withdraw(
            dossier=d, by=st["motcua.tx"], reason="Xin rút", at=LATER
        ),
        "stop": lambda: s.dossier_stop(dossier=d, by=st["lanhdao.tx"], reason="Dừng", at=LATER),
        "apologise": lambda: s.dossier_apologise(
            dossier=d,
            by=st["lanhdao.tx"],
            reason="Chậm",
            new_due_at=local(2026, 3, 20, 9),
            at=LATER,
        ),
        "hand_over": lambda: s.dossier_hand_over(
            dossier=d, by=st["motcua.tx"], to_unit=org.departments["TP"], at=LATER
        ),
        "forward": lambda: s.dossier_forward(
            dossier=d, by=st["motcua.tx"], to_agency=org.city, at=LATER
        ),
        "assign": lambda: s.dossier_assign(
            dossier=d, by=st["truongphong.tp"], specialist=st["chuyenvien.tp"], at=LATER
        ),
        "submit": lambda: s.dossier_submit(dossier=d, by=st["chuyenvien.tp"], at=LATER),
        "send_back": lambda: s.dossier_send_back(
            dossier=d, by=st["lanhdao.tx"], note="Sửa", at=LATER
        ),
        "approve": lambda: s.dossier_approve(dossier=d, by=st["lanhdao.tx"], at=LATER),
        "record_result": lambda: s.dossier_record_result(dossier=d, by=st["vanthu.tx"], at=LATER),
        "supplement_request": lambda: s.dossier_supplement_request(
            dossier=d, by=st["truongphong.tp"], missing="Sổ hộ khẩu", at=LATER
        ),
        "supplement_receive": lambda: s.dossier_supplement_receive(
            dossier=d, by=st["motcua.tx"], at=LATER
        ),
        "request_payment": lambda: s.dossier_request_payment(
            dossier=d, by=st["motcua.tx"], amount=1000, at=LATER
        ),
        "payment_confirmed": lambda: s.dossier_payment_confirmed(
            dossier=d, by=st["motcua.tx"], at=LATER
        ),
        "sign_result": lambda: s.dossier_sign_result(dossier=d, by=st["lanhdao.tx"], pin=PIN),
        "return_to_desk": lambda: s.dossier_return_to_desk(dossier=d, by=st["vanthu.tx"], at=LATER),
        "return_forwarded": lambda: s.dossier_return_forwarded(
            dossier=d, by=st["motcua.tx"], at=LATER
        ),
        "return_result": lambda: s.dossier_return_result(
            dossier=d, by=st["motcua.tx"], collected_by="Nguyễn Văn An", at=LATER
        ),
    }
    return calls[action]()


def test_table_is_complete():
    assert set(TRANSITIONS) == set(Status.values)
    assert set(ACTIONS) == set(ACTION_STAGES) == set(REGISTRY.names())
    assert all(a.service is not None for a in REGISTRY)
    assert allowed_actions(Status.RETURNED, Stage.CLOSED) == []


ALLOWED = [(st, a) for st in TRANSITIONS for a in TRANSITIONS[st]]
FORBIDDEN = [(st, a) for st in TRANSITIONS for a in ACTIONS if a not in TRANSITIONS[st]]


class _Undo(Exception):
    pass


def _each_pair(org, version, pairs, check):
    """Run ``check`` for every pair in a savepoint that is rolled back, so the organisation
    is loaded once for the whole table; returns the pairs that failed, with why."""
    failures = []
    for status, action in pairs:
        try:
            with transaction.atomic():
                d = _prepare(org, version, status, action)
                problem = check(d, status, action)
                if problem:
                    failures.append((Status(status).name, action, problem))
                raise _Undo
        except _Undo:
            pass
    return failures


def test_every_allowed_transition(demo_org, district_version):
    def check(d, status, action):
        try:
            _call(demo_org, action, d, status)
        except Exception as exc:  # report every pair, not only the first
            return repr(exc)
        d.refresh_from_db()
        target = TRANSITIONS[status][action]
        expected = Status.PROCESSING if target == PREVIOUS else target
        if d.status != expected:
            return f"status {d.status} != {expected}"
        if not d.history.filter(action=action).exists():
            return "no history row"
        return ""

    assert len(ALLOWED) > 30
    assert _each_pair(demo_org, district_version, ALLOWED, check) == []


def test_every_forbidden_transition(demo_org, district_version):
    def check(d, status, action):
        try:
            _call(demo_org, action, d, status)
        except ValidationError as exc:
            if "Không thể thực hiện" not in " ".join(exc.messages):
                return f"other error: {exc.messages}"
            if Dossier.objects.get(pk=d.pk).status != status:
                return "status changed"
            return ""
        return "was allowed"

    assert len(FORBIDDEN) > 100
    assert _each_pair(demo_org, district_version, FORBIDDEN, check) == []


def test_next_status_for_every_pair():
    for status in Status.values:
        for action in ACTIONS:
            if action in TRANSITIONS[status]:
                assert next_status(status, action, previous=Status.ACCEPTED) in Status.values
            else:
                with pytest.raises(ValidationError):
                    next_status(status, action)


def test_stage_guards_the_action(demo_org, district_version):
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
        at=AT,
    )
    Dossier.objects.filter(pk=d.pk).update(status=Status.PROCESSING)
    with pytest.raises(ValidationError, match="ở khâu"):
        s.dossier_approve(dossier=d, by=demo_org.staff["lanhdao.tx"])
