"""Walks the action registry: for every dossier state, every officer and every action, the
action is offered (``available``, a button on the dossier page, listed by the API) exactly
when its service accepts it. No button that fails, no allowed action without a button."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reportlab.pdfgen import canvas

from congso.dossiers import services as s
from congso.dossiers.actions import REGISTRY
from congso.dossiers.models import Dossier, Handover, Stage, Status, Supplement
from congso.dossiers.workflow import TRANSITIONS, stage_allows
from congso.signing.pins import has_pin, signer_pin_set

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 2, 9)
PIN = "246813"


def result_pdf() -> bytes:
    """A one-page result as the clerk would upload it (a decision with the signer's name)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "QUYET DINH cap ban sao trich luc ho tich")
    page.drawString(360, 200, "Nguyen Van Hung")
    page.save()
    return buffer.getvalue()


# (status, stage, variant): every place a dossier can stand in.
STATES = [
    (Status.NEW, Stage.DESK, ""),
    (Status.ACCEPTED, Stage.DESK, ""),
    (Status.PROCESSING, Stage.DESK, ""),
    (Status.PROCESSING, Stage.DEPARTMENT, ""),
    (Status.PROCESSING, Stage.SPECIALIST, ""),
    (Status.PROCESSING, Stage.LEADER, "submitted"),
    (Status.PROCESSING, Stage.CLERK, ""),
    (Status.SUPPLEMENT, Stage.SPECIALIST, ""),
    (Status.AWAITING_PAYMENT, Stage.DESK, ""),
    (Status.RESULT_READY, Stage.CLERK, ""),
    (Status.RESULT_READY, Stage.CLERK, "pdf"),
    (Status.RESULT_READY, Stage.RETURN, ""),
    (Status.RESULT_READY, Stage.RETURN, "forwarded"),
    (Status.REFUSED, Stage.CLOSED, ""),
    (Status.RETURNED, Stage.CLOSED, ""),
]
STAFF = [
    "motcua.tx",
    "lanhdao.tx",
    "vanthu.tx",
    "truongphong.tp",
    "chuyenvien.tp",
    "truongphong.qldt",
    "chuyenvien.qldt",
    "motcua.nc",
    "lanhdao.nc",
    "quantri",
]
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


def _prepare(org, version, status, stage, variant) -> Dossier:
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
    now = timezone.now()
    changes = {
        "status": status,
        "stage": stage,
        "handling_unit": _unit(org, STAGE_UNIT[stage]),
        "handler": org.staff["chuyenvien.tp"] if stage == Stage.SPECIALIST else None,
        "due_at": now + dt.timedelta(days=14),
    }
    if status == Status.AWAITING_PAYMENT:
        changes["status_before_payment"] = Status.PROCESSING
    if status == Status.SUPPLEMENT:
        changes["paused_at"] = now - dt.timedelta(hours=2)
        Supplement.objects.create(
            dossier=d,
            missing="Giấy tờ",
            requested_by=org.staff["truongphong.tp"],
            requested_at=now - dt.timedelta(hours=2),
        )
    if variant == "forwarded":
        changes.update(forwarded=True, receiving_unit=org.wards["00343"])
    if variant == "pdf":  # a recorded result file to sign, every officer with a signing PIN
        d.result_file.save("ket-qua.pdf", ContentFile(result_pdf()), save=False)
        changes["result_file"] = d.result_file.name
        for username in STAFF:
            user = org.staff[username].user
            if not has_pin(user):
                signer_pin_set(user=user, pin=PIN)
    if variant == "submitted":
        Handover.objects.create(
            dossier=d,
            action="submit",
            from_unit=org.departments["TP"],
            from_staff=org.staff["chuyenvien.tp"],
            to_unit=org.district,
            sent_at=AT,
        )
    Dossier.objects.filter(pk=d.pk).update(**changes)
    return Dossier.objects.get(pk=d.pk)


def _inputs(org) -> dict[str, dict]:
    later = timezone.now() + dt.timedelta(days=30)
    return {
        "refuse": {"reason": "Không đủ điều kiện"},
        "withdraw": {"reason": "Xin rút"},
        "stop": {"reason": "Dừng"},
        "request_completion": {"missing": "Tờ khai"},
        "supplement_request": {"missing": "Sổ hộ khẩu"},
        "apologise": {"reason": "Chậm", "new_due_at": later},
        "hand_over": {"to_unit_id": org.departments["TP"].pk},
        "forward": {"to_agency_id": org.city.pk},
        "assign": {"specialist_id": org.staff["chuyenvien.tp"].pk},
        "submit": {"findings": "Đủ điều kiện"},
        "send_back": {"note": "Sửa lại"},
        "record_result": {"result_number": "12/KQ"},
        "return_result": {"collected_by": "Nguyễn Văn An"},
        "request_payment": {"amount": 1000},
        "sign_result": {"pin": PIN},
    }


class _Undo(Exception):
    pass


def test_every_action_is_offered_exactly_when_its_service_accepts(demo_org, district_version):
    inputs = _inputs(demo_org)
    problems, offered_count, accepted_count = [], 0, 0
    for status, stage, variant in STATES:
        try:
            with transaction.atomic():
                d = _prepare(demo_org, district_version, status, stage, variant)
                for username in STAFF:
                    staff = demo_org.staff[username]
                    for action in REGISTRY:
                        offered = action.available(d, staff)
                        if not offered and (
                            action.name not in TRANSITIONS[status]
                            or not stage_allows(stage, action.name)
                        ):
                            continue  # refused by the table itself: test_transitions walks those
                        try:
                            with transaction.atomic():
                                action.run(
                                    Dossier.objects.get(pk=d.pk),
                                    staff,
                                    action.input(**inputs.get(action.name, {})),
                                )
                                raise _Undo
                        except _Undo:
                            accepted = True
                        except (ValidationError, PermissionDenied) as exc:
                            accepted, why = False, exc
                        offered_count += offered
                        accepted_count += accepted
                        if offered != accepted:
                            problems.append(
                                (
                                    Status(status).name,
                                    stage,
                                    variant,
                                    username,
                                    action.name,
                                    "offered" if offered else "not offered",
                                    "" if accepted else repr(why),
                                )
                            )
                raise _Undo
        except _Undo:
            pass
    assert problems == []
    assert offered_count == accepted_count > 40


def test_page_buttons_and_api_list_are_the_registry(client, demo_org, district_version):
    """The dossier page shows a form for each available action and no other; the API's detail
    lists the same names."""
    for status, stage, variant in STATES:
        d = _prepare(demo_org, district_version, status, stage, variant)
        for username in ("motcua.tx", "truongphong.tp", "chuyenvien.tp", "lanhdao.tx", "vanthu.tx"):
            staff = demo_org.staff[username]
            client.force_login(staff.user)
            expected = [a.name for a in REGISTRY.available_for(d, staff)]
            response = client.get(reverse("dossiers:detail", args=[d.ref]))
            if response.status_code == 404:  # outside the officer's scope: nothing to act on
                assert expected == [], (status, stage, username)
                continue
            page = response.content.decode()
            shown = [a.name for a in REGISTRY if f'data-action="{a.name}"' in page]
            assert sorted(shown) == sorted(expected), (status, stage, username)
            api = client.get(f"/api/v1/dossiers/{d.ref}").json()
            assert api["actions"] == expected, (status, stage, username)
            assert api["version"] == d.version


def test_forward_moving_action_opens_first(client, demo_org, district_version):
    """The leader's page opens "Duyệt, ký", not "Trả lại"."""
    d = _prepare(demo_org, district_version, Status.PROCESSING, Stage.LEADER, "submitted")
    leader = demo_org.staff["lanhdao.tx"]
    names = [a.name for a in REGISTRY.available_for(d, leader)]
    assert names[0] == "approve" and "send_back" in names
    client.force_login(leader.user)
    page = client.get(reverse("dossiers:detail", args=[d.ref])).content.decode()
    first_open = page.index("<details open>")
    assert page.index('data-action="approve"') > first_open
    assert page.index('data-action="approve"') < page.index('data-action="send_back"')


def test_registry_entries_are_complete():
    for action in REGISTRY:
        assert action.service is not None, action.name
        assert action.service.__name__ == f"dossier_{action.name}"
        assert action.moves, action.name
        assert action.roles, action.name


def test_the_old_transitions_module_is_gone():
    """The tables live in workflow.py and the actions in actions.py; no re-export module keeps
    a second import path alive (issue #12 §1)."""
    import importlib.util

    assert importlib.util.find_spec("congso.dossiers.transitions") is None
