"""The registered actions: the journey of the issue at service level, routing permissions,
every (status, action) pair of the table, redaction, rating and the one reopening."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.audit.models import AuditEvent
from congso.feedback import actions, selectors, services
from congso.feedback.actions import REGISTRY
from congso.feedback.models import Kind, Rating, Status
from congso.feedback.workflow import TRANSITIONS, next_status
from congso.notify.models import Notification

from .factories import local, received_case

pytestmark = pytest.mark.django_db

AT = local(2026, 12, 3, 9)


@pytest.fixture
def org(demo_org):
    return demo_org


@pytest.fixture
def ward(org):
    return org.wards["00343"]


def run(name, case, username, org, **data):
    action = REGISTRY[name]
    return action.run(case, org.staff[username], action.parse(data))


def test_every_action_has_a_service_a_rule_and_a_row_in_the_table():
    for action in REGISTRY:
        assert action.service is not None, action.name
        assert any(action.name in moves for moves in TRANSITIONS.values())


def test_the_table_allows_exactly_its_pairs():
    names = {a for moves in TRANSITIONS.values() for a in moves}
    for status in Status.values:
        for name in names:
            allowed = name in TRANSITIONS.get(status, {})
            try:
                next_status(status, name)
                assert allowed, (status, name)
            except ValidationError:
                assert not allowed, (status, name)


def test_ward_forwards_district_department_answers_head_publishes_citizen_rates(org, ward):
    case = received_case(ward, at=AT, consent_publish=True)
    dept = org.departments["QLĐT"]
    assert REGISTRY["forward"].available(case, org.staff["motcua.nc"])
    assert not REGISTRY["forward"].available(case, org.staff["chuyenvien.qldt"])
    case = run("forward", case, "motcua.nc", org, to_unit_id=dept.pk, note="Thuộc thẩm quyền quận")
    assert case.status == Status.PROCESSING and case.handling_unit == dept
    assert case.due_basis["reason"] == "forward"
    # The ward no longer acts on it; the department does.
    assert not REGISTRY["draft"].available(case, org.staff["congchuc.nc"])
    case = run(
        "draft",
        case,
        "chuyenvien.qldt",
        org,
        answer="Kính gửi bà Nguyễn Thị Bình (0912345678): việc cấp phép sửa chữa nhà ở riêng lẻ …",
    )
    assert case.status == Status.AWAITING_APPROVAL
    assert not REGISTRY["approve"].available(case, org.staff["chuyenvien.qldt"])
    with pytest.raises(ValidationError, match="thông tin cá nhân"):
        run(
            "approve",
            case,
            "truongphong.qldt",
            org,
            publish=True,
            public_question="Sửa chữa nhà có cần giấy phép?",
            public_answer="Kính gửi bà Nguyễn Thị Bình: …",
            redaction_confirmed=True,
        )
    case.refresh_from_db()
    assert case.status == Status.AWAITING_APPROVAL
    with pytest.raises(ValidationError, match="xác nhận"):
        run(
            "approve",
            case,
            "truongphong.qldt",
            org,
            publish=True,
            public_question="Sửa chữa nhà có cần giấy phép?",
            public_answer="Việc sửa chữa nhà ở riêng lẻ …",
        )
    case = run(
        "approve",
        case,
        "truongphong.qldt",
        org,
        publish=True,
        public_question="Sửa chữa nhà có cần giấy phép xây dựng không?",
        public_answer="Việc sửa chữa, cải tạo bên trong nhà ở riêng lẻ không làm thay đổi kết cấu …",
        redaction_confirmed=True,
    )
    assert case.status == Status.ANSWERED and case.published_at is not None
    assert case.answered_late is False
    assert Notification.objects.filter(event="feedback.answered", reference=case.code).exists()
    assert [c.code for c in selectors.published_for(ward, q="giay phep xay dung")] == [case.code]
    assert selectors.published_for(org.wards["00352"]) == []
    case = services.case_rate(case=case, rating=Rating.SATISFIED, comment="Cảm ơn")
    assert case.rating == Rating.SATISFIED
    with pytest.raises(ValidationError, match="đã được đánh giá"):
        services.case_rate(case=case, rating=Rating.UNSATISFIED)
    actions_done = [h.action for h in case.history.all()]
    assert actions_done == ["submit", "verify", "forward", "draft", "approve", "rate"]
    assert AuditEvent.objects.filter(target_id=str(case.pk)).count() == len(actions_done)


def test_unsatisfied_rating_reopens_once(org, ward):
    case = received_case(ward, at=AT)
    case = run("route", case, "motcua.nc", org, to_unit_id=ward.pk)
    case = run("draft", case, "congchuc.nc", org, answer="Trả lời lần một")
    case = run("approve", case, "lanhdao.nc", org)
    case = services.case_rate(case=case, rating=Rating.UNSATISFIED, comment="Chưa rõ", reopen=True)
    assert case.status == Status.PROCESSING and case.reopened_at and case.answered_at is None
    case = run("draft", case, "congchuc.nc", org, answer="Trả lời lần hai")
    case = run("approve", case, "lanhdao.nc", org)
    assert case.rating == ""  # the first rating stays in the history; the new answer is rated
    with pytest.raises(ValidationError, match="một lần"):
        services.case_rate(case=case, rating=Rating.UNSATISFIED, reopen=True)
    case.refresh_from_db()
    assert case.rating == "" and case.status == Status.ANSWERED
    case = services.case_rate(case=case, rating=Rating.UNSATISFIED, comment="Vẫn chưa rõ")
    assert [h.action for h in case.history.all()].count("rate") == 2


def test_routing_permissions_and_department_scope(org, ward):
    case = received_case(ward, at=AT)
    other_ward_officer = org.staff["motcua.km"]
    district_desk = org.staff["motcua.tx"]
    for staff in (other_ward_officer, district_desk, org.staff["chuyenvien.qldt"]):
        assert not REGISTRY["route"].available(case, staff)
        with pytest.raises(PermissionDenied):
            run("route", case, staff.user.username, org, to_unit_id=ward.pk)
    dept = org.departments["TP"]
    case = run("forward", case, "motcua.nc", org, to_unit_id=dept.pk)
    assert selectors.cases_for(org.user("chuyenvien.tp")).filter(pk=case.pk).exists()
    assert not selectors.cases_for(org.user("chuyenvien.qldt")).filter(pk=case.pk).exists()
    assert not selectors.cases_for(org.user("motcua.km")).filter(pk=case.pk).exists()
    assert selectors.cases_for(org.user("motcua.nc")).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError, match="phòng chuyên môn thuộc đơn vị"):
        fresh = received_case(ward, at=AT, sender_phone="0911111111")
        run("route", fresh, "motcua.nc", org, to_unit_id=dept.pk)


def test_reclassification_recomputes_the_due_date(org, ward):
    from decimal import Decimal

    from congso.feedback.models import DeadlineRule, Stage

    DeadlineRule.objects.create(
        kind=Kind.REGULATION,
        stage=Stage.ANSWER,
        working_days=Decimal(5),
        legal_basis="Quy chế thử",
        version=2,
        valid_from=AT.date(),
    )
    case = received_case(ward, at=AT)
    assert case.due_at == local(2026, 12, 17, 9)
    case = run("classify", case, "motcua.nc", org, kind=Kind.REGULATION)
    assert case.due_at == local(2026, 12, 10, 9) and case.due_basis["version"] == 2


def test_extension_once_with_reason(org, ward):
    case = received_case(ward, at=AT)
    case = run("route", case, "motcua.nc", org, to_unit_id=ward.pk)
    with pytest.raises(ValidationError):
        run("extend", case, "lanhdao.nc", org)
    case = run("extend", case, "lanhdao.nc", org, reason="Cần lấy ý kiến Phòng Tư pháp quận")
    assert case.due_at == local(2026, 12, 31, 9)
    assert not REGISTRY["extend"].available(case, org.staff["lanhdao.nc"])


def test_refuse_merge_and_stale_version(org, ward):
    kept = received_case(ward, at=AT)
    dup = received_case(ward, at=AT, sender_phone="0911111111")
    with pytest.raises(actions.StaleCase):
        REGISTRY["merge"].run(
            dup,
            org.staff["motcua.nc"],
            REGISTRY["merge"].parse({"into_code": kept.code, "version": 99}),
        )
    dup = run("merge", dup, "motcua.nc", org, into_code=kept.code)
    assert dup.status == Status.MERGED and dup.merged_into == kept
    spam = received_case(ward, at=AT, sender_phone="0922222222")
    with pytest.raises(ValidationError):
        run("refuse", spam, "motcua.nc", org, ground="abusive")
    spam = run("refuse", spam, "motcua.nc", org, ground="abusive", reason="Nội dung xúc phạm")
    assert spam.status == Status.REFUSED
