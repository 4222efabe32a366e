"""Fee requests within the procedure's fee table; above it only with a reason, by an officer the
policy lets decide (``dossier.fee_override``), audited (issue #12 §4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.accounts.models import AccountKind, User
from congso.audit.models import AuditEvent
from congso.dossiers import fees
from congso.dossiers import services as s
from congso.dossiers.models import Status, StatusHistory
from congso.org.models import Role, RoleAssignment, Staff
from congso.procedures.models import Fee

from .conftest import all_papers, person
from .factories import local, offered_procedure

pytestmark = pytest.mark.django_db


def _receive(org, version, unit, officer):
    return s.dossier_receive(
        by=org.staff[officer],
        receiving_unit=unit,
        version=version,
        applicant=person(),
        papers=all_papers(version),
        at=local(2026, 3, 2, 9),
    )


def _unchanged(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.fee_total,
        dossier.version,
        StatusHistory.objects.filter(dossier=dossier).count(),
        AuditEvent.objects.count(),
    )


# --- the ceiling --------------------------------------------------------------------------------


def test_ceiling_adds_flat_rows_and_the_dearest_conditional_one(demo_org):
    version = offered_procedure(demo_org.desk, fee=8000)
    Fee.objects.create(version=version, name="Miễn lệ phí", amount=0, condition="đúng hạn")
    Fee.objects.create(
        version=version, name="Lệ phí đăng ký muộn", amount=5000, condition="không đúng hạn"
    )
    ceiling = fees.fee_ceiling(version)
    assert (ceiling.amount, ceiling.per_unit, ceiling.free) == (13000, False, False)


def test_ceiling_of_tiered_per_page_rates_is_capped_per_set(demo_org):
    version = offered_procedure(demo_org.desk, fee=0)
    Fee.objects.filter(version=version).delete()
    for start, rate in ((1, 2000), (3, 1000)):
        Fee.objects.create(
            version=version,
            name="Phí chứng thực bản sao",
            amount=rate,
            per_unit="trang",
            from_unit=start,
            max_amount=200000,
        )
    assert fees.fee_ceiling(version, 1).amount == 2000
    assert fees.fee_ceiling(version, 5).amount == 2 * 2000 + 3 * 1000
    assert fees.fee_ceiling(version, 500).amount == 200000  # "tối đa không quá 200.000 đồng/bản"
    assert fees.fee_ceiling(version).per_unit


def test_a_free_procedure_allows_nothing(demo_org):
    version = offered_procedure(demo_org.desk, fee=0)
    assert fees.fee_ceiling(version).free and fees.fee_ceiling(version).amount == 0


# --- the service --------------------------------------------------------------------------------


def test_within_the_table_any_requesting_officer_may_ask(demo_org, district_version):
    d = _receive(demo_org, district_version, demo_org.desk, "motcua.tx")
    s.dossier_request_payment(dossier=d, by=demo_org.staff["motcua.tx"], amount=8000)
    d.refresh_from_db()
    assert d.status == Status.AWAITING_PAYMENT and d.fee_total == 8000
    assert not AuditEvent.objects.filter(action="dossier.fee_override").exists()


def test_above_the_table_without_a_reason_is_refused_in_vietnamese(demo_org, district_version):
    d = _receive(demo_org, district_version, demo_org.desk, "motcua.tx")
    before = _unchanged(d)
    with pytest.raises(ValidationError) as err:
        s.dossier_request_payment(dossier=d, by=demo_org.staff["motcua.tx"], amount=50000)
    text = " ".join(err.value.messages)
    assert "50.000 đ vượt mức thu theo quy định" in text
    assert "tối đa 8.000 đ" in text
    assert _unchanged(d) == before


def test_a_desk_officer_may_not_override_even_with_a_reason(demo_org, district_version):
    d = _receive(demo_org, district_version, demo_org.desk, "motcua.tx")
    before = _unchanged(d)
    with pytest.raises(PermissionDenied) as err:
        s.dossier_request_payment(
            dossier=d,
            by=demo_org.staff["motcua.tx"],
            amount=50000,
            override_reason="Biểu phí mới theo Nghị quyết HĐND thành phố",
        )
    assert "trưởng phòng chuyên môn" in str(err.value)
    assert _unchanged(d) == before


def test_the_handling_department_head_overrides_and_it_is_audited(demo_org, district_version):
    d = _receive(demo_org, district_version, demo_org.desk, "motcua.tx")
    s.dossier_hand_over(
        dossier=d, by=demo_org.staff["motcua.tx"], to_unit=demo_org.departments["TP"]
    )
    reason = "Biểu phí mới theo Nghị quyết HĐND thành phố, danh mục chưa cập nhật"
    s.dossier_request_payment(
        dossier=d, by=demo_org.staff["truongphong.tp"], amount=10000, override_reason=reason
    )
    d.refresh_from_db()
    assert d.status == Status.AWAITING_PAYMENT and d.fee_total == 10000
    event = AuditEvent.objects.get(action="dossier.fee_override")
    assert event.data["amount"] == 10000 and event.data["ceiling"] == 8000
    assert event.data["reason"] == reason
    assert event.actor_id == demo_org.staff["truongphong.tp"].user_id


def _ward_leader_only(org, ward):
    """A ward leader holding the leader's role alone (a ward has no department head)."""
    user = User.objects.create_user(
        username="phochutich.nc", password="x", kind=AccountKind.STAFF, full_name="Lê Văn Kiên"
    )
    staff = Staff.objects.create(user=user, unit=ward, position="Phó Chủ tịch UBND phường")
    RoleAssignment.objects.create(staff=staff, unit=ward, role=Role.UNIT_LEADER)
    return Staff.objects.select_related("user").get(pk=staff.pk)


def test_at_a_ward_the_leader_decides_not_the_specialist(demo_org, ward_version):
    ward = demo_org.wards["00343"]
    d = _receive(demo_org, ward_version, ward, "motcua.nc")
    s.dossier_hand_over(dossier=d, by=demo_org.staff["motcua.nc"], to_unit=ward)
    reason = "Thu theo mức mới của Nghị quyết HĐND"
    before = _unchanged(d)
    for officer in ("congchuc.nc", "motcua.nc"):
        with pytest.raises(PermissionDenied):
            s.dossier_request_payment(
                dossier=d, by=demo_org.staff[officer], amount=9000, override_reason=reason
            )
    assert _unchanged(d) == before
    leader = _ward_leader_only(demo_org, ward)
    s.dossier_request_payment(dossier=d, by=leader, amount=9000, override_reason=reason)
    d.refresh_from_db()
    assert d.fee_total == 9000
    assert AuditEvent.objects.get(action="dossier.fee_override").data["reason"] == reason


def test_a_district_leader_does_not_override_inside_a_ward(demo_org, ward_version):
    ward = demo_org.wards["00343"]
    d = _receive(demo_org, ward_version, ward, "motcua.nc")
    with pytest.raises(PermissionDenied):
        s.dossier_request_payment(
            dossier=d, by=demo_org.staff["lanhdao.tx"], amount=9000, override_reason="Lý do"
        )


# --- the page -----------------------------------------------------------------------------------


def test_the_form_shows_the_table_and_refuses_above_it(client, demo_org, district_version):
    d = _receive(demo_org, district_version, demo_org.desk, "motcua.tx")
    client.force_login(demo_org.staff["motcua.tx"].user)
    url = f"/mot-cua/ho-so/{d.code}/"
    page = client.get(url).content.decode()
    assert "Biểu phí, lệ phí của thủ tục: tối đa 8.000 đ." in page
    assert 'name="override_reason"' in page
    before = _unchanged(d)
    answer = client.post(
        f"{url}request_payment/",
        {"amount": "80000", "version": str(d.version)},
        follow=True,
    )
    assert "vượt mức thu theo quy định" in answer.content.decode()
    assert _unchanged(d) == before
