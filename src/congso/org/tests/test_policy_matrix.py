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
    "calendar.edit": ({R.SYSADMIN}, "oversee"),
    "counters.serve": ({R.ONESTOP_OFFICER}, "act"),
    "counters.manage": ({R.SYSADMIN}, "oversee"),
    "counters.stats": (
        {R.ONESTOP_OFFICER, R.UNIT_LEADER, R.DEPARTMENT_HEAD, R.SYSADMIN},
        "oversee",
    ),
    # Ownership: no role carries these; the owner does (OWNERS below).
    "eservices.draft": (set(), "owner"),
    "eservices.submission": (set(), "owner"),
    "eservices.dossier": (set(), "owner"),
    "eservices.payment": (set(), "owner"),
}
# ownership rule -> the field naming the owner, by hand.
OWNERS = {
    "eservices.draft": "owner",
    "eservices.submission": "owner",
    "eservices.dossier": "applicant_user",
    "eservices.payment": "payer",
}
ROLE_RULES = {name: row for name, row in EXPECTED.items() if row[1] != "owner"}

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
    for name, (roles, reach) in ROLE_RULES.items():
        for (role, held), user in officers.items():
            for target in UNITS:
                expected = role in {str(r) for r in roles} and target in REACH[reach][held]
                if policy.may(user, name, units[target]) != expected:
                    wrong.append((name, role, held, target, expected))
    assert not wrong, wrong[:20]


def test_superuser_may_everything_anonymous_and_citizens_nothing(units, officers):
    root = User.objects.create_superuser(username="root.matrix", password="x")
    citizen = User.objects.create_user(username="dan.matrix", password="x")
    for name in ROLE_RULES:
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


@pytest.fixture
def citizens_things(demo_org):  # type: ignore[no-untyped-def]
    """A draft, a submission, a dossier and a payment of one citizen, and the same of another."""
    import uuid

    from congso.dossiers.tests.factories import offered_procedure
    from congso.dossiers.tests.test_views import receive
    from congso.eservices.models import Draft, Payment, Submission
    from congso.eservices.tests.factories import CitizenFactory

    version = offered_procedure(demo_org.desk)
    things = {}
    for who in ("a", "b"):
        user = CitizenFactory()
        draft = Draft.objects.create(owner=user, version=version, unit=demo_org.desk)
        dossier = receive(demo_org, version)
        dossier.applicant_user = user
        dossier.save(update_fields=["applicant_user"])
        things[who] = {
            "user": user,
            "eservices.draft": draft,
            "eservices.submission": Submission.objects.create(
                key=uuid.uuid4(), owner=user, draft=draft
            ),
            "eservices.dossier": dossier,
            "eservices.payment": Payment.objects.create(
                order_ref=f"M{who}{uuid.uuid4().hex[:10]}",
                payer=user,
                unit=demo_org.desk,
                amount=8000,
                description="Lệ phí",
            ),
        }
    return things


def test_ownership_rules_the_owner_only_no_role_no_superuser(officers, citizens_things):
    """A citizen's things: their owner owns them; the other citizen, anonymous, every officer
    of every role and unit, and a superuser do not. The selectors' filter (owned) and the
    services' check (owns) give the same answer, from the same field."""
    from django.core.exceptions import PermissionDenied

    root = User.objects.create_superuser(username="root.owner", password="x")
    a, b = citizens_things["a"], citizens_things["b"]
    for name, field in OWNERS.items():
        rule = policy.RULES[name]
        assert rule.owner == field, name
        model = type(a[name])
        mine = a[name]
        assert policy.owns(a["user"], name, mine)
        policy.ensure_owns(a["user"], name, mine)
        for other in [b["user"], AnonymousUser(), root, *officers.values()]:
            assert not policy.owns(other, name, mine), (name, other)
        with pytest.raises(PermissionDenied, match="Bạn không có quyền với"):
            policy.ensure_owns(b["user"], name, mine)
        assert list(policy.owned(a["user"], name, model.objects.all())) == [mine]
        assert not policy.owned(AnonymousUser(), name, model.objects.all()).exists()
        with pytest.raises(ValueError, match="ownership rule"):
            policy.may(a["user"], name)


def test_eservices_pages_and_services_answer_as_the_ownership_rules(client, citizens_things):
    """The citizen's pages find only their own things (the other's answers 404), and the
    services refuse the other's with the rule's message."""
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from congso.eservices import submission

    a, b = citizens_things["a"], citizens_things["b"]
    client.force_login(a["user"])
    pages = [
        ("eservices:draft", [b["eservices.draft"].public_id]),
        ("eservices:my_dossier", [b["eservices.dossier"].pk]),
    ]
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    pay = "eservices:payment_start"
    assert client.post(reverse(pay, args=[b["eservices.payment"].order_ref])).status_code == 404
    assert client.post(reverse(pay, args=[a["eservices.payment"].order_ref])).status_code == 302
    own = [
        ("eservices:draft", [a["eservices.draft"].public_id]),
        ("eservices:my_dossier", [a["eservices.dossier"].pk]),
    ]
    for name, args in own:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    with pytest.raises(PermissionDenied, match="Bạn không có quyền với hồ sơ này"):
        submission.draft_save(draft=b["eservices.draft"], user=a["user"], data={})
    with pytest.raises(PermissionDenied, match="Bạn không có quyền với hồ sơ này"):
        submission.dossier_rate_online(dossier=b["eservices.dossier"], user=a["user"], level=3)


def test_calendar_edits_answer_as_the_policy(units, officers):
    """calendar.edit (was Django's model permissions): a system administrator edits the days
    off of the units under him; a nationwide one only from the top of the tree; the admin's
    buttons ask the same question."""
    import datetime as dt

    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from congso.calendar.admin import CalendarOverrideAdmin
    from congso.calendar.models import CalendarOverride, OverrideKind
    from congso.calendar.services import calendar_may_edit, calendar_override_save

    def override(unit):  # type: ignore[no-untyped-def]
        return CalendarOverride(
            date=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, name="Nghỉ", unit=unit
        )

    admin = CalendarOverrideAdmin(CalendarOverride, None)  # type: ignore[arg-type]
    for (role, held), user in officers.items():
        request = RequestFactory().get("/")
        request.user = user
        for target in [*UNITS, None]:
            unit = units[target] if target else None
            if role != R.SYSADMIN:
                expected = False
            elif target is None:
                expected = held == "city"  # the top of the demo tree
            else:
                expected = target in REACH["oversee"][held]
            assert calendar_may_edit(user, unit) == expected, (role, held, target)
            stored = override(unit)
            assert admin.has_change_permission(request, stored) == expected
        assert admin.has_module_permission(request) == (role == R.SYSADMIN)
    with pytest.raises(PermissionDenied, match="Bạn không có quyền sửa lịch làm việc của"):
        calendar_override_save(override=override(units["ward2"]), by=officers["sysadmin", "ward1"])
    saved = calendar_override_save(
        override=override(units["ward2"]), by=officers["sysadmin", "district"]
    )
    # Moving an override out of the editor's units is refused too.
    saved.unit = units["city"]
    with pytest.raises(PermissionDenied):
        calendar_override_save(override=saved, by=officers["sysadmin", "district"])
