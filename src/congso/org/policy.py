"""The one permission policy (issue #14 §1, ADR 0046): "may this user do this in this unit".

Every permission is a row of ``RULES``: the roles that carry it and how far a role reaches
from the unit it is granted at (``Reach``). Services refuse with ``ensure``, views show buttons
and the API lists operations with ``may`` — the same question, so they agree by construction.
Rules of the whole platform are written below; a workflow registry adds the rows of its
actions when it registers them (``define``), e.g. every dossier action is ``dossier.<name>``.
A superuser may everything. Reads are scoped by the selectors with the same data
(``role_unit_ids`` for OVERSEE, ``agencies`` for AGENCY).

Ownership is a rule too (``Reach.OWNER``, ``define_owned``): a citizen's drafts, dossiers,
submissions and payments. ``owns`` / ``ensure_owns`` answer for one object, ``owned`` filters a
query set the same way, so the selectors (what a citizen sees) and the services (what a
citizen may change) read one field name from one row. An owner rule has no superuser bypass:
nobody acts as a citizen on the citizen's own things. The working calendar is
``calendar.edit``: the system administrators, for the units under them (a nationwide day off
for those at the top of the tree, ``calendar_places``).

Not a rule of this module: named readers of secret documents (``documents.selectors``, a
list per document rather than a role).

Missing and forbidden give the same answer to the user: a selector that does not find an
object within the caller's scope raises 404, never 403 (Zulip's ``access_*`` rule); ``ensure``
is for objects the caller may already see.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import Role, RoleAssignment, Unit
from .selectors import acts_at, has_role, staff_for, user_roles

M = TypeVar("M", bound=Model)


class Reach(enum.StrEnum):
    """How far a role reaches from the unit it is held at."""

    ACT = "act"  # at that unit and below, but only within the target's own agency (ADR 0059)
    OVERSEE = "oversee"  # at that unit and everything below it, any level
    AGENCY = "agency"  # the whole agency the unit belongs to (the target is an agency)
    ANYWHERE = "anywhere"  # a right of the whole system, wherever the role is held
    OWNER = "owner"  # the object belongs to the user (no role; ``Rule.owner`` names the field)


DEFAULT_MESSAGE = gettext_lazy("Bạn không có quyền thực hiện thao tác này tại đơn vị %(unit)s.")


@dataclass(frozen=True)
class Rule:
    name: str
    roles: frozenset[str]
    reach: Reach
    message: str | Promise = DEFAULT_MESSAGE  # the refusal; %(unit)s is the target's name
    owner: str = ""  # OWNER rules: the foreign key to the user who owns the object


RULES: dict[str, Rule] = {}


def define(
    name: str,
    roles: Iterable[str],
    reach: Reach,
    message: str | Promise = DEFAULT_MESSAGE,
) -> Rule:
    """Add a permission (once; a second definition must say the same)."""
    return _add(Rule(name, frozenset(str(r) for r in roles), reach, message))


def roles_carrying(*names: str) -> frozenset[str]:
    """The roles that carry any of the permissions ``names`` (unknown names carry none)."""
    return frozenset().union(*(RULES[n].roles for n in names if n in RULES))


def define_owned(name: str, owner: str, message: str | Promise) -> Rule:
    """Add an ownership rule: the object's ``owner`` foreign key must be the user."""
    return _add(Rule(name, frozenset(), Reach.OWNER, message, owner))


def _add(rule: Rule) -> Rule:
    name = rule.name
    known = RULES.get(name)
    if known is not None and known != rule:
        raise ValueError(f"permission {name} defined twice, differently")
    RULES[name] = rule
    return rule


R = Role
ANY_ROLE = [r.value for r in Role]

# --- the platform's own rules ----------------------------------------------------------------
# Documents and records (NĐ 30/2020): the agency's clerk registers, numbers and files, its
# leaders direct; any officer of the agency drafts and sees its open documents.
define(
    "document.register",
    [R.RECORDS_CLERK],
    Reach.AGENCY,
    gettext_lazy("Chỉ văn thư của %(unit)s được thực hiện thao tác này."),
)
define(
    "document.direct",
    [R.UNIT_LEADER],
    Reach.AGENCY,
    gettext_lazy("Chỉ lãnh đạo %(unit)s được thực hiện thao tác này."),
)
define("document.draft", ANY_ROLE, Reach.AGENCY, gettext_lazy("Bạn không công tác tại %(unit)s."))
# The procedure catalogue: the system administrators, for the units under them.
define("catalogue.manage", [R.SYSADMIN], Reach.ANYWHERE)
define("catalogue.offer", [R.SYSADMIN], Reach.OVERSEE)
# The organisation itself: merging units (NĐ 118/2025 reorganisations).
define("org.unit_merge", [R.SYSADMIN], Reach.OVERSEE)
# The leaders' dashboard and the QĐ 766 index (issue 17): the unit's leaders and department
# heads watch their unit and everything under it; the administrators enter the index inputs
# CongSo cannot count, for the units under them.
define(
    "dashboard.view",
    [R.UNIT_LEADER, R.DEPARTMENT_HEAD, R.SYSADMIN],
    Reach.OVERSEE,
    gettext_lazy("Bạn không có quyền xem bảng điều hành của %(unit)s."),
)
define(
    "index766.enter",
    [R.SYSADMIN],
    Reach.OVERSEE,
    gettext_lazy("Chỉ quản trị hệ thống được nhập số liệu chỉ số của %(unit)s."),
)


# Citizen feedback and questions (issue 16; NĐ 20/2008 as amended by NĐ 92/2017): the desk and
# the leaders of the agency where a case is receive, classify and route it; the handling
# department's specialists draft the answer, its head (or the agency's leaders) approve,
# extend and publish it. Each is ``feedback.<action>`` of congso.feedback.actions.
FEEDBACK_DESK = [R.ONESTOP_OFFICER, R.UNIT_LEADER]
FEEDBACK_DRAFT = [R.SPECIALIST, R.DEPARTMENT_HEAD]
FEEDBACK_HEAD = [R.DEPARTMENT_HEAD, R.UNIT_LEADER]
for _name, _roles in (
    ("receive", FEEDBACK_DESK),
    ("route", FEEDBACK_DESK),
    ("forward", FEEDBACK_DESK),
    ("forward_out", FEEDBACK_DESK),
    ("refuse", FEEDBACK_DESK),
    ("merge", FEEDBACK_DESK),
    ("classify", [*FEEDBACK_DESK, R.DEPARTMENT_HEAD]),
    ("draft", FEEDBACK_DRAFT),
    ("return_to_triage", FEEDBACK_DRAFT),
    ("send_back", FEEDBACK_HEAD),
    ("approve", FEEDBACK_HEAD),
    ("extend", FEEDBACK_HEAD),
    ("publish", FEEDBACK_HEAD),
    ("unpublish", FEEDBACK_HEAD),
):
    define(f"feedback.{_name}", _roles, Reach.ACT)
del _name, _roles
# A fee request above what the procedure version's fee table allows (issue #12 §4,
# dossiers.fees): decided, with a reason that is audited, by the head of the department that
# handles the dossier or by a leader of the agency. A ward has no departments and no department
# head: there the ward's leaders (chủ tịch, phó chủ tịch UBND) decide; one-stop officers and
# specialists never do, at a ward or a district.
define(
    "dossier.fee_override",
    [R.DEPARTMENT_HEAD, R.UNIT_LEADER],
    Reach.ACT,
    gettext_lazy(
        "Chỉ trưởng phòng chuyên môn đang giải quyết hồ sơ hoặc lãnh đạo cơ quan (ở phường, xã: "
        "lãnh đạo UBND) được quyết định thu vượt biểu phí, lệ phí tại %(unit)s."
    ),
)
# The working calendar: days off and worked days of the units under the administrator.
define(
    "calendar.edit",
    [R.SYSADMIN],
    Reach.OVERSEE,
    gettext_lazy("Bạn không có quyền sửa lịch làm việc của %(unit)s."),
)
# A citizen's own things (online public services): only their owner sees or changes them.
_YOURS = gettext_lazy("Bạn không có quyền với hồ sơ này.")
define_owned("eservices.draft", "owner", _YOURS)
define_owned("eservices.submission", "owner", _YOURS)
define_owned("eservices.dossier", "applicant_user", _YOURS)
define_owned(
    "eservices.payment", "payer", gettext_lazy("Bạn không có quyền với khoản thanh toán này.")
)


# --- answers ---------------------------------------------------------------------------------


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _rule(permission: str) -> Rule:
    try:
        return RULES[permission]
    except KeyError:
        raise KeyError(f"unknown permission {permission!r} (congso.org.policy.RULES)") from None


def _assignments(user: Any) -> list[tuple[str, int, int]]:
    """(role, unit id, agency id) of every role the user holds, read once per request."""
    cached = getattr(user, "_congso_policy_assignments", None)
    if cached is not None and cached[0] == _current_version():
        return cached[1]  # type: ignore[no-any-return]
    rows: list[tuple[str, int, int]] = []
    staff = staff_for(user)
    if staff is not None:
        for ra in RoleAssignment.objects.filter(staff=staff).select_related("unit", "unit__parent"):
            rows.append((ra.role, ra.unit_id, ra.unit.agency().pk))
    if getattr(user, "is_authenticated", False):
        user._congso_policy_assignments = (_current_version(), rows)
    return rows


def _current_version() -> int:
    from . import selectors

    return selectors._roles_version


def assignments(user: Any) -> list[tuple[str, int, int]]:
    """(role, unit id, agency id) of the user's roles (for scoped reads)."""
    return list(_assignments(user))


def agencies(user: Any, permission: str) -> set[int]:
    """The agencies where ``permission`` (an AGENCY rule) holds for the user."""
    rule = _rule(permission)
    return {agency for role, _unit, agency in _assignments(user) if role in rule.roles}


def may(
    user: Any, permission: str, unit: Unit | None = None, *, agency: Unit | None = None
) -> bool:
    """Whether ``user`` may ``permission`` at ``unit`` (``agency``: the agency the unit counts
    in, for ACT rules, when the caller knows it better than ``unit.agency()``)."""
    rule = _rule(permission)
    if rule.reach == Reach.OWNER:
        raise ValueError(f"permission {permission} is an ownership rule: ask owns()")
    if _superuser(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if rule.reach == Reach.ANYWHERE:
        return bool(user_roles(user) & rule.roles)
    if unit is None:
        raise ValueError(f"permission {permission} needs a unit")
    if rule.reach == Reach.ACT:
        return acts_at(user, unit, rule.roles, agency=agency)
    if rule.reach == Reach.OVERSEE:
        return has_role(user, unit, rule.roles)
    return unit.pk in agencies(user, permission)


def may_at(user: Any, permission: str, places: Sequence[tuple[Unit, Unit]]) -> bool:
    """``may`` at any of ``places`` ((unit, its agency) pairs: where a dossier may be acted on)."""
    return any(may(user, permission, unit, agency=agency) for unit, agency in places)


def may_somewhere(user: Any, permission: str) -> bool:
    """Whether ``permission`` holds for the user at some unit (to show a menu or a list whose
    rows are then asked one by one)."""
    rule = _rule(permission)
    if _superuser(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and user_roles(user) & rule.roles)


def _owner_rule(permission: str) -> Rule:
    rule = _rule(permission)
    if rule.reach != Reach.OWNER:
        raise ValueError(f"permission {permission} is not an ownership rule")
    return rule


def owns(user: Any, permission: str, obj: Any) -> bool:
    """Whether ``obj`` belongs to ``user`` under the ownership rule ``permission``."""
    rule = _owner_rule(permission)
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(obj, f"{rule.owner}_id") == user.pk)


def ensure_owns(user: Any, permission: str, obj: Any) -> None:
    """Raise the rule's PermissionDenied unless ``owns(user, permission, obj)``."""
    if not owns(user, permission, obj):
        raise PermissionDenied(str(_owner_rule(permission).message))


def owned(user: Any, permission: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed to what ``user`` owns under ``permission`` (none for anonymous)."""
    rule = _owner_rule(permission)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(**{f"{rule.owner}_id": user.pk})


def calendar_places(unit: Unit | None) -> list[tuple[Unit, Unit]]:
    """Where ``calendar.edit`` is asked for an override of ``unit``: the unit itself, or for a
    nationwide override (no unit) the units at the top of the tree."""
    units = [unit] if unit is not None else list(Unit.objects.filter(parent__isnull=True))
    return [(u, u) for u in units]


def refusal(permission: str, unit: Unit | None) -> PermissionDenied:
    rule = _rule(permission)
    return PermissionDenied(str(rule.message) % {"unit": unit.name if unit else ""})


def ensure(
    user: Any, permission: str, unit: Unit | None = None, *, agency: Unit | None = None
) -> None:
    """Raise the rule's PermissionDenied unless ``may(user, permission, unit)``."""
    if not may(user, permission, unit, agency=agency):
        raise refusal(permission, unit)


def ensure_at(user: Any, permission: str, places: Sequence[tuple[Unit, Unit]]) -> None:
    if not may_at(user, permission, places):
        raise refusal(permission, places[0][0] if places else None)


__all__ = [
    "RULES",
    "Reach",
    "Rule",
    "agencies",
    "assignments",
    "calendar_places",
    "define",
    "define_owned",
    "ensure",
    "ensure_at",
    "ensure_owns",
    "may",
    "may_at",
    "may_somewhere",
    "owned",
    "owns",
]
