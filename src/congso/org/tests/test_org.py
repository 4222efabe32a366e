from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.audit.models import AuditEvent
from congso.org.models import RoleAssignment, Staff, Unit, UnitKind, validate_agency_id
from congso.org.selectors import ensure_role, has_role, role_unit_ids, unit_by_code
from congso.org.services import register_merge_handler, unit_dissolve, unit_merge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["H26", "H26.09", "H26.09.343", "000.00.31.H56", "G01.A1.B2"])
def test_agency_id_accepts_both_formats(code):
    validate_agency_id(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "h26",
        "26.09",
        "H2",
        "H26..09",
        "H26.09.",
        "H26-09",
        "X" + "9" * 35,
        "H26.09.34a",
        "00.00.31.H56",
    ],
)
def test_agency_id_rejects_malformed(code):
    with pytest.raises(ValidationError):
        validate_agency_id(code)


def test_demo_tree_is_thanh_xuan(demo_org):
    assert demo_org.district.parent == demo_org.city
    assert len(demo_org.wards) == 11
    assert {w.short_name for w in demo_org.wards.values() if w.has_farmland} == {
        "Nhân Chính",
        "Khương Đình",
        "Phương Liệt",
    }
    assert demo_org.wards["00343"].stats_code == "00343"
    assert demo_org.departments["TP"].agency() == demo_org.district
    assert demo_org.wards["00343"].agency() == demo_org.wards["00343"]
    assert [u.pk for u in demo_org.wards["00343"].ancestors()] == [
        demo_org.city.pk,
        demo_org.district.pk,
    ]


def test_demo_load_twice_creates_nothing(demo_org):
    from congso.org.demo import load_org_demo

    counts = (Unit.objects.count(), Staff.objects.count(), RoleAssignment.objects.count())
    load_org_demo()
    assert (Unit.objects.count(), Staff.objects.count(), RoleAssignment.objects.count()) == counts


def test_unit_tree_any_depth_and_path_follows_moves(demo_org):
    school = Unit.objects.create(
        parent=demo_org.wards["00343"], kind=UnitKind.SCHOOL, name="Trường Mầm non A"
    )
    room = Unit.objects.create(parent=school, kind=UnitKind.OTHER, name="Tổ văn phòng")
    assert room.path.startswith(demo_org.wards["00343"].path)
    school.parent = demo_org.wards["00352"]
    school.save()
    room.refresh_from_db()
    assert room.path.startswith(demo_org.wards["00352"].path)
    assert room in demo_org.wards["00352"].subtree()


def test_scopes_ward_officer_sees_own_ward_only(demo_org):
    officer = demo_org.user("motcua.nc")
    ids = role_unit_ids(officer, ["onestop_officer"])
    assert ids == {demo_org.wards["00343"].pk}
    assert not has_role(officer, demo_org.wards["00352"], ["onestop_officer"])
    with pytest.raises(PermissionDenied):
        ensure_role(officer, demo_org.wards["00352"], ["onestop_officer"])


def test_scopes_district_leader_oversees_subtree(demo_org):
    leader = demo_org.user("lanhdao.tx")
    ids = role_unit_ids(leader, ["unit_leader"])
    assert demo_org.wards["00343"].pk in ids and demo_org.departments["TP"].pk in ids
    assert demo_org.city.pk not in ids
    assert has_role(leader, demo_org.departments["TP"], ["unit_leader"])


def test_one_person_holds_roles_in_several_units(demo_org):
    staff = demo_org.staff["chuyenvien.tp"]
    RoleAssignment.objects.create(staff=staff, unit=demo_org.wards["00346"], role="specialist")
    assert role_unit_ids(staff.user, ["specialist"]) == {
        demo_org.departments["TP"].pk,
        demo_org.wards["00346"].pk,
    }


def test_unit_by_code_by_stats_code_or_agency_id(demo_org):
    assert unit_by_code("00343") == demo_org.wards["00343"]
    assert unit_by_code("h26.09") == demo_org.district
    assert unit_by_code("99999") is None


def test_merge_moves_staff_roles_children_and_keeps_history(demo_org):
    moved_by_handler = []
    register_merge_handler("test-handler", lambda s, t: moved_by_handler.append((s.pk, t.pk)) or 7)
    old = demo_org.wards["00343"]
    new = Unit.objects.create(
        parent=demo_org.city, kind=UnitKind.WARD, name="UBND phường Thanh Xuân", agency_id="H26.360"
    )
    school = Unit.objects.create(
        parent=old, kind=UnitKind.SCHOOL, name="Trường Tiểu học Nhân Chính"
    )
    result = unit_merge(source=old, successor=new, by=demo_org.user("quantri"))
    old.refresh_from_db()
    school.refresh_from_db()
    assert old.dissolved_at is not None and old.successor == new
    assert result["staff"] == 4 and result["test-handler"] == 7
    assert moved_by_handler == [(old.pk, new.pk)]
    assert Staff.objects.get(user__username="motcua.nc").unit == new
    assert has_role(demo_org.user("motcua.nc"), new, ["onestop_officer"])
    assert school.parent == new
    # History stays readable under both names, and the old codes still resolve.
    assert str(old) == "UBND phường Nhân Chính (nay là UBND phường Thanh Xuân)"
    assert old.former_names.get().name == "UBND phường Nhân Chính"
    assert unit_by_code("00343") == new
    assert unit_by_code("H26.09.343") == new
    event = AuditEvent.objects.get(action="unit.merge")
    assert event.target_repr.startswith("UBND phường Nhân Chính")
    from congso.org import services

    services._merge_handlers.pop("test-handler")


def test_merge_refuses_cycles_and_repeats(demo_org):
    with pytest.raises(ValidationError):
        unit_merge(source=demo_org.district, successor=demo_org.wards["00343"])
    unit_merge(source=demo_org.wards["00346"], successor=demo_org.wards["00343"])
    with pytest.raises(ValidationError):
        unit_merge(source=demo_org.wards["00346"], successor=demo_org.wards["00352"])


def test_dissolve_needs_successor_when_unit_has_staff(demo_org):
    with pytest.raises(ValidationError):
        unit_dissolve(unit=demo_org.wards["00343"])
    empty = Unit.objects.create(
        parent=demo_org.district, kind=UnitKind.OTHER, name="Ban chỉ đạo tạm thời"
    )
    unit_dissolve(unit=empty)
    empty.refresh_from_db()
    assert empty.dissolved_at is not None


def test_two_tier_variant_has_no_district_level(demo_org):
    from congso.org.demo import load_two_tier_demo

    new_wards = load_two_tier_demo()
    load_two_tier_demo()  # idempotent
    active_districts = Unit.objects.active().filter(kind=UnitKind.DISTRICT)
    assert not active_districts.exists()
    thanh_xuan = new_wards["Thanh Xuân"]
    assert thanh_xuan.parent == demo_org.city
    assert thanh_xuan.predecessors.count() == 4
    assert Unit.objects.active().filter(kind=UnitKind.WARD).count() == 3
    assert unit_by_code("00367") == thanh_xuan


def test_role_paths_read_once_and_refreshed_after_a_change(demo_org, django_assert_num_queries):
    from congso.org.selectors import user_roles

    user = demo_org.user("chuyenvien.tp")
    role_unit_ids(user, ["specialist"])
    with django_assert_num_queries(0):  # paths and ids come from the per-request cache
        role_unit_ids(user, ["specialist"])
        has_role(user, demo_org.departments["TP"], ["specialist"])
        user_roles(user)
    RoleAssignment.objects.create(
        staff=demo_org.staff["chuyenvien.tp"], unit=demo_org.wards["00346"], role="records_clerk"
    )
    assert "records_clerk" in user_roles(user)
    assert has_role(user, demo_org.wards["00346"], ["records_clerk"])


def test_staff_for_keeps_the_callers_user_object(demo_org, django_assert_num_queries):
    from congso.accounts.models import User
    from congso.org.selectors import staff_for

    user = User.objects.get(username="motcua.nc")
    staff = staff_for(user)
    assert staff is not None and staff.user is user
    with django_assert_num_queries(1):  # role paths, read once; the user is not read again
        assert has_role(staff.user, demo_org.wards["00343"], ["onestop_officer"])
        assert has_role(staff.user, demo_org.wards["00343"], ["onestop_officer"])


@pytest.mark.django_db(transaction=True)  # entries are stored from committed data only
def test_role_paths_shared_across_requests_until_the_organisation_changes(
    demo_org, django_assert_num_queries
):
    from django.core.cache import cache

    from congso.accounts.models import User
    from congso.org.selectors import user_roles

    def fresh():  # a new request: a new user object
        return User.objects.get(username="chuyenvien.tp")

    user_roles(fresh())
    second = fresh()
    with django_assert_num_queries(
        0
    ):  # the staff row and the role paths come from the shared cache
        assert user_roles(second) == {"specialist"}
    RoleAssignment.objects.create(
        staff=demo_org.staff["chuyenvien.tp"], unit=demo_org.wards["00346"], role="records_clerk"
    )
    assert user_roles(fresh()) == {"specialist", "records_clerk"}
    RoleAssignment.objects.filter(
        role="records_clerk", staff=demo_org.staff["chuyenvien.tp"]
    ).delete()
    assert user_roles(fresh()) == {"specialist"}
    cache.clear()  # a flushed cache: read again, never an old entry
    assert user_roles(fresh()) == {"specialist"}


def test_a_deactivated_officer_is_no_longer_staff_on_the_next_request(demo_org):
    from congso.accounts.models import User
    from congso.org.selectors import staff_for

    assert staff_for(User.objects.get(username="motcua.nc")) is not None  # now in the shared cache
    staff = demo_org.staff["motcua.nc"]
    staff.is_active = False
    staff.save()
    assert staff_for(User.objects.get(username="motcua.nc")) is None


def test_nothing_is_stored_from_inside_a_transaction(demo_org, django_assert_num_queries):
    """A value read inside a transaction may rest on changes that are rolled back later."""
    from congso.accounts.models import User
    from congso.org.selectors import user_roles

    user_roles(User.objects.get(username="chuyenvien.tp"))  # the test runs inside a transaction
    again = User.objects.get(username="chuyenvien.tp")
    with django_assert_num_queries(2):  # staff row and role paths, read again
        user_roles(again)
