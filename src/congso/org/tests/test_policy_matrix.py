"""The permission matrix (issue #14 §1, ADR 0046): every permission of the policy, for every
role held at every kind of unit, against every unit, compared with a table written by hand.
A module that adds a permission adds its row to EXPECTED (the first test names it)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from congso.accounts.models import AccountKind, User
from congso.dossiers.actions import REGISTRY
from congso.org import policy
from congso.org.models import Role, RoleAssignment, Staff

pytestmark = pytest.mark.django_db

R = Role
ONESTOP = {R.ONESTOP_OFFICER}
ANY = set(Role)

# permission -> (roles that carry it, reach). Written out, not read from the policy.
EXPECTED: dict[str, tuple[set[str], str]] = {
    "dossier.accept": (ONESTOP, "act"),
    "dossier.forward": (ONESTOP, "act"),
    "dossier.hand_over": ({R.ONESTOP_OFFICER, R.DEPARTMENT_HEAD}, "act"),
    "dossier.assign": ({R.DEPARTMENT_HEAD}, "act"),
    "dossier.submit": ({R.SPECIALIST, R.DEPARTMENT_HEAD}, "act"),
    "dossier.approve": ({R.UNIT_LEADER}, "act"),
    "dossier.record_result": ({R.RECORDS_CLERK}, "act"),
    "dossier.sign_result": ({R.UNIT_LEADER}, "act"),
    "dossier.return_to_desk": ({R.RECORDS_CLERK, R.DEPARTMENT_HEAD}, "act"),
    "dossier.return_forwarded": (ONESTOP, "act"),
    "dossier.return_result": (ONESTOP, "act"),
    "dossier.supplement_receive": (
        {R.ONESTOP_OFFICER, R.SPECIALIST, R.DEPARTMENT_HEAD},
        "act",
    ),
    "dossier.payment_confirmed": (ONESTOP, "act"),
    "dossier.request_completion": (ONESTOP, "act"),
    "dossier.supplement_request": ({R.SPECIALIST, R.DEPARTMENT_HEAD}, "act"),
    "dossier.request_payment": (
        {R.ONESTOP_OFFICER, R.SPECIALIST, R.DEPARTMENT_HEAD, R.UNIT_LEADER},
        "act",
    ),
    "dossier.apologise": ({R.UNIT_LEADER}, "act"),
    "dossier.send_back": ({R.UNIT_LEADER}, "act"),
    "dossier.refuse": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "dossier.withdraw": (ONESTOP, "act"),
    "dossier.stop": ({R.UNIT_LEADER}, "act"),
    "dossier.receive": (ONESTOP, "act"),
    "dossier.take_over": ({R.DEPARTMENT_HEAD}, "act"),
    "dossier.fee_override": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "document.register": ({R.RECORDS_CLERK}, "agency"),
    "document.direct": ({R.UNIT_LEADER}, "agency"),
    "document.draft": (ANY, "agency"),
    "catalogue.manage": ({R.SYSADMIN}, "anywhere"),
    "catalogue.offer": ({R.SYSADMIN}, "oversee"),
    "org.unit_merge": ({R.SYSADMIN}, "oversee"),
    "feedback.receive": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.route": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.forward": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.forward_out": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.refuse": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.merge": ({R.ONESTOP_OFFICER, R.UNIT_LEADER}, "act"),
    "feedback.classify": ({R.ONESTOP_OFFICER, R.UNIT_LEADER, R.DEPARTMENT_HEAD}, "act"),
    "feedback.draft": ({R.SPECIALIST, R.DEPARTMENT_HEAD}, "act"),
    "feedback.return_to_triage": ({R.SPECIALIST, R.DEPARTMENT_HEAD}, "act"),
    "feedback.send_back": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "feedback.approve": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "feedback.extend": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "feedback.publish": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "feedback.unpublish": ({R.DEPARTMENT_HEAD, R.UNIT_LEADER}, "act"),
    "dashboard.view": ({R.UNIT_LEADER, R.DEPARTMENT_HEAD, R.SYSADMIN}, "oversee"),
    "index766.enter": ({R.SYSADMIN}, "oversee"),
    "counters.serve": ({R.ONESTOP_OFFICER}, "act"),
    "counters.manage": ({R.SYSADMIN}, "oversee"),
    "counters.stats": (
        {R.ONESTOP_OFFICER, R.UNIT_LEADER, R.DEPARTMENT_HEAD, R.SYSADMIN},
        "oversee",
    ),
}

# The units of the matrix: the city, the district (agencies), the district's one-stop desk
# and its justice department, two of its wards (agencies).
UNITS = ["city", "district", "desk", "dept", "ward1", "ward2"]
_ALL = set(UNITS)
# reach -> role held at (row) -> the units where it counts (columns), by hand.
REACH: dict[str, dict[str, set[str]]] = {
    # Within the target's own agency only: a district's officers do not act inside a ward
    # (ADR 0059), the city's not inside the district.
    "act": {
        "city": {"city"},
        "district": {"district", "desk", "dept"},
        "desk": {"desk"},
        "dept": {"dept"},
        "ward1": {"ward1"},
        "ward2": {"ward2"},
    },
    # Down the whole tree.
    "oversee": {
        "city": _ALL,
        "district": _ALL - {"city"},
        "desk": {"desk"},
        "dept": {"dept"},
        "ward1": {"ward1"},
        "ward2": {"ward2"},
    },
    # The agency the role's unit belongs to (targets are agencies).
    "agency": {
        "city": {"city"},
        "district": {"district"},
        "desk": {"district"},
        "dept": {"district"},
        "ward1": {"ward1"},
        "ward2": {"ward2"},
    },
    "anywhere": dict.fromkeys(UNITS, _ALL),
}


@pytest.fixture
def units(demo_org):  # type: ignore[no-untyped-def]
    return {
        "city": demo_org.city,
        "district": demo_org.district,
        "desk": demo_org.desk,
        "dept": demo_org.departments["TP"],
        "ward1": demo_org.wards["00343"],
        "ward2": demo_org.wards["00352"],
    }


@pytest.fixture
def officers(units):  # type: ignore[no-untyped-def]
    """One officer per (role, unit where it is held), holding only that role."""
    found = {}
    for role, held in itertools.product(Role, UNITS):
        user = User.objects.create_user(
            username=f"m.{role}.{held}", password="x", kind=AccountKind.STAFF
        )
        staff = Staff.objects.create(user=user, unit=units[held])
        RoleAssignment.objects.create(staff=staff, unit=units[held], role=role)
        found[role.value, held] = User.objects.get(pk=user.pk)
    return found


def test_every_permission_of_the_policy_has_its_row():
    assert set(policy.RULES) == set(EXPECTED), (
        "a permission without a row in EXPECTED, or a row without a permission"
    )
    assert {a.permission for a in REGISTRY} <= set(EXPECTED)


def test_rules_are_the_expected_data():
    for name, (roles, reach) in EXPECTED.items():
        rule = policy.RULES[name]
        assert (set(rule.roles), rule.reach.value) == ({str(r) for r in roles}, reach), name


def test_matrix_roles_by_units_by_permissions(units, officers):
    wrong = []
    for name, (roles, reach) in EXPECTED.items():
        for (role, held), user in officers.items():
            for target in UNITS:
                expected = role in {str(r) for r in roles} and target in REACH[reach][held]
                if policy.may(user, name, units[target]) != expected:
                    wrong.append((name, role, held, target, expected))
    assert not wrong, wrong[:20]


def test_superuser_may_everything_anonymous_and_citizens_nothing(units, officers):
    root = User.objects.create_superuser(username="root.matrix", password="x")
    citizen = User.objects.create_user(username="dan.matrix", password="x")
    for name in EXPECTED:
        for target in UNITS:
            assert policy.may(root, name, units[target]), name
            assert not policy.may(AnonymousUser(), name, units[target]), name
            assert not policy.may(citizen, name, units[target]), name


def test_ensure_refuses_with_the_rules_message(units, officers):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Chỉ văn thư của UBND quận Thanh Xuân"):
        policy.ensure(officers["unit_leader", "district"], "document.register", units["district"])
    policy.ensure(officers["records_clerk", "dept"], "document.register", units["district"])
    with pytest.raises(PermissionDenied, match="không có quyền"):
        policy.ensure(officers["onestop_officer", "district"], "dossier.accept", units["ward1"])


@pytest.mark.parametrize(
    "url",
    [
        "/quan-ly/danh-muc-thu-tuc/",
        "/quan-ly/danh-muc-thu-tuc/can-xem-lai/",
    ],
)
def test_catalogue_pages_answer_as_the_policy(client, units, officers, url):
    """The pages that need a permission open exactly for those the policy lets in."""
    from congso.accounts.testing import login_verified

    for held in ("city", "ward1"):
        for role in Role:
            user = officers[role.value, held]
            login_verified(client, user)
            status = client.get(url).status_code
            allowed = policy.may(user, "catalogue.manage")
            assert (status == 200) == allowed and (allowed or status in (403, 404)), (
                role,
                held,
                status,
            )
            client.logout()


def test_services_refuse_with_the_policy(units, officers, demo_org):
    """org.unit_merge checked nothing before; now a sysadmin of the district may merge two of
    its wards and a ward's sysadmin may not merge its neighbour."""
    from django.core.exceptions import PermissionDenied

    from congso.org.services import unit_merge

    with pytest.raises(PermissionDenied):
        unit_merge(
            source=units["ward2"],
            successor=units["ward1"],
            by=officers["sysadmin", "ward1"],
        )
    moved = unit_merge(
        source=units["ward2"], successor=units["ward1"], by=officers["sysadmin", "district"]
    )
    assert isinstance(moved, dict)
