"""Reads of the organisation, scoped to the caller."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Role, RoleAssignment, Staff, Unit


def staff_for(user) -> Staff | None:  # type: ignore[no-untyped-def]
    """The Staff row of a logged-in officer, or None (citizens, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_congso_staff"):
        cached: Staff | None = user._congso_staff
        return cached
    staff = Staff.objects.select_related("unit").filter(user=user, is_active=True).first()
    user._congso_staff = staff
    return staff


def role_units(user, roles: Iterable[str] | None = None) -> QuerySet[Unit]:  # type: ignore[no-untyped-def]
    """The units where the user holds one of ``roles`` (any role if None), subtrees included.

    A role granted at a district covers its departments, desk and wards, so that the district
    can oversee them; a role granted at a ward covers that ward only.
    """
    staff = staff_for(user)
    if staff is None:
        return Unit.objects.none()
    assignments = RoleAssignment.objects.filter(staff=staff)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    paths = list(assignments.values_list("unit__path", flat=True))
    if not paths:
        return Unit.objects.none()
    condition = Q()
    for p in paths:
        condition |= Q(path__startswith=p)
    return Unit.objects.filter(condition)


def role_unit_ids(user, roles: Iterable[str] | None = None) -> set[int]:  # type: ignore[no-untyped-def]
    return set(role_units(user, roles).values_list("pk", flat=True))


def has_role(user, unit: Unit, roles: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user holds one of ``roles`` at ``unit`` or at a unit above it."""
    staff = staff_for(user)
    if staff is None:
        return False
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return RoleAssignment.objects.filter(
        staff=staff, role__in=list(roles), unit_id__in=ancestor_ids
    ).exists()


def ensure_role(user, unit: Unit, roles: Iterable[str]) -> None:  # type: ignore[no-untyped-def]
    if getattr(user, "is_superuser", False):
        return
    if not has_role(user, unit, roles):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này tại đơn vị %(unit)s.")
                               % {"unit": unit.name})


def user_roles(user) -> set[str]:  # type: ignore[no-untyped-def]
    staff = staff_for(user)
    if staff is None:
        return set()
    return set(RoleAssignment.objects.filter(staff=staff).values_list("role", flat=True))


def unit_by_code(code: str) -> Unit | None:
    """Find a unit by its statistics-office code or agency e-ID; merged units resolve to
    their successor so old codes printed on receipts keep working."""
    code = (code or "").strip().upper()
    if not code:
        return None
    unit = (Unit.objects.filter(agency_id=code).first()
            or Unit.objects.filter(stats_code=code).order_by("dissolved_at").first())
    return unit.current() if unit else None


ALL_ROLES = [r.value for r in Role]
