"""Reads of the organisation, scoped to the caller."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache as shared_cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Role, RoleAssignment, Staff, Unit


def staff_for(user) -> Staff | None:  # type: ignore[no-untyped-def]
    """The Staff row of a logged-in officer, or None (citizens, anonymous); read once per
    request, from the shared cache while the organisation does not change (ADR 0041)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_congso_staff"):
        cached: Staff | None = user._congso_staff
        return cached
    staff = shared_value(
        user,
        f"congso:org:staff-of-user:{_user_key(user)}",
        lambda: Staff.objects.select_related("unit").filter(user=user, is_active=True).first(),
    )
    if staff is not None:
        # The same user object, with its per-request caches: services that check
        # ``by.user`` then need no second read of the user, staff row and roles.
        staff.user = user
    user._congso_staff = staff
    return staff


# Bumped (in this process) whenever roles, staff or units change; a user object caches its role
# paths with the version they were read at. A user object lives for one request.
_roles_version = 0

# Across requests and processes, an officer's role paths (and what is derived from them, such as
# the desks they receive at) are kept in the shared cache (Redis in production) under the
# organisation's generation, a counter in the same cache that every change bumps (ADR 0041).
ORG_GENERATION_KEY = "congso:org:generation"
SHARED_TTL = 300  # seconds; a bound in case a change ever escapes the signals
T = TypeVar("T")


def _bump_generation() -> None:
    try:
        shared_cache.incr(ORG_GENERATION_KEY)
    except ValueError:  # no generation yet (new or flushed cache): any start unlike the old ones
        shared_cache.add(ORG_GENERATION_KEY, time.time_ns(), timeout=None)


def roles_changed(**_kwargs: object) -> None:
    """Roles, staff or units changed: drop what this process and the shared cache hold. The
    shared generation is bumped now and again after commit, so an entry filled from data read
    before the commit is never taken for current."""
    global _roles_version
    _roles_version += 1
    _bump_generation()
    transaction.on_commit(_bump_generation)


def user_changed(update_fields: Iterable[str] | None = None, **kwargs: object) -> None:
    """A user account was saved: as roles_changed, except for the login stamp alone."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    roles_changed(**kwargs)


def staff_cached(user: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` (something derived only from the organisation: roles, units, staff) for
    this officer, from the shared cache when it was stored under the current generation (one
    cache round trip), else computed (and stored when read outside a transaction)."""
    return shared_value(user, f"congso:org:{name}:{_user_key(user)}", compute)


def shared_value(holder: Any, key: str, compute: Callable[[], T]) -> T:
    """The value at ``key`` if it was stored under the current generation, else ``compute()``
    stored there. The generation is read before the data (and once per request, with the first
    entry, remembered on ``holder``: the request's user, or the request itself before there is
    one), so a concurrent change leaves the entry stale, never current."""
    user = holder
    seen = getattr(user, "_congso_org_generation", None)
    if seen is not None and seen[0] == _roles_version:
        generation = seen[1]
        entry = shared_cache.get(key)
    else:
        got = shared_cache.get_many([ORG_GENERATION_KEY, key])
        generation = got.get(ORG_GENERATION_KEY)
        if generation is None:
            _bump_generation()
            generation = shared_cache.get(ORG_GENERATION_KEY)
        user._congso_org_generation = (_roles_version, generation)
        entry = got.get(key)
    if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
        return entry[1]  # type: ignore[no-any-return]
    value = compute()
    # Stored only from committed data: inside a transaction the value may rest on changes that
    # are later rolled back (no bump would then tell the other processes).
    if generation is not None and not connection.in_atomic_block:
        shared_cache.set(key, (generation, value), SHARED_TTL)
    return value


def _user_key(user: Any) -> str:
    """The user's id with the moment the account was created: a reused id (a restored or test
    database) never meets another account's entries."""
    joined = getattr(user, "date_joined", None)
    return f"{user.pk}.{joined.timestamp() if joined else 0}"


def _role_paths(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(role, unit path) of every assignment of the user's staff row, read once per request
    (and from the shared cache while the organisation does not change)."""
    cached = getattr(user, "_congso_role_paths", None)
    if cached is not None and cached[0] == _roles_version:
        return cached[1]  # type: ignore[no-any-return]
    staff = staff_for(user)
    paths: list[tuple[str, str]] = []
    if staff is not None:
        paths = staff_cached(
            user,
            "roles",
            lambda: [
                (role, path)
                for role, path in RoleAssignment.objects.filter(staff=staff).values_list(
                    "role", "unit__path"
                )
            ],
        )
    user._congso_role_paths = (_roles_version, paths)
    return paths


def role_units(user, roles: Iterable[str] | None = None) -> QuerySet[Unit]:  # type: ignore[no-untyped-def]
    """The units where the user holds one of ``roles`` (any role if None), subtrees included.

    A role granted at a district covers its departments, desk and wards, so that the district
    can oversee them; a role granted at a ward covers that ward only.
    """
    if staff_for(user) is None:
        return Unit.objects.none()
    wanted = None if roles is None else {str(r) for r in roles}
    paths = sorted({p for role, p in _role_paths(user) if wanted is None or role in wanted})
    if not paths:
        return Unit.objects.none()
    condition = Q()
    for p in paths:
        condition |= Q(path__startswith=p)
    return Unit.objects.filter(condition)


def role_unit_ids(user, roles: Iterable[str] | None = None) -> set[int]:  # type: ignore[no-untyped-def]
    """The ids of ``role_units``, read once per request and set of roles (and kept in the
    shared cache for officers while the organisation does not change)."""
    wanted = None if roles is None else frozenset(str(r) for r in roles)
    key = (_roles_version, wanted)
    cache: dict[object, set[int]] = getattr(user, "_congso_role_ids", None) or {}
    if key not in cache:
        if staff_for(user) is None:
            cache[key] = set()
        else:
            name = "role-ids:" + (",".join(sorted(wanted)) if wanted is not None else "*")
            cache[key] = staff_cached(
                user, name, lambda: set(role_units(user, roles).values_list("pk", flat=True))
            )
        if getattr(user, "is_authenticated", False):
            user._congso_role_ids = cache
    return cache[key]


def has_role(user, unit: Unit, roles: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user holds one of ``roles`` at ``unit`` or at a unit above it."""
    if staff_for(user) is None:
        return False
    wanted = {str(r) for r in roles}
    return any(role in wanted and unit.path.startswith(path) for role, path in _role_paths(user))


def acts_at(user, unit: Unit, roles: Iterable[str], *, agency: Unit | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user may *act* at ``unit`` with one of ``roles``: the role is held there or
    above it, but within the unit's own agency (``agency``, default ``unit.agency()``). Seeing
    reaches down the tree (a district oversees its wards, role_units); acting does not: a ward's
    dossiers are decided by the ward's own officers and its chairman (ADR 0059)."""
    if staff_for(user) is None:
        return False
    wanted = {str(r) for r in roles}
    floor = (agency or unit.agency()).path
    return any(
        role in wanted and unit.path.startswith(path) and path.startswith(floor)
        for role, path in _role_paths(user)
    )


def ensure_role(user, unit: Unit, roles: Iterable[str]) -> None:  # type: ignore[no-untyped-def]
    if getattr(user, "is_superuser", False):
        return
    if not has_role(user, unit, roles):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này tại đơn vị %(unit)s.")
            % {"unit": unit.name}
        )


def user_roles(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {role for role, _path in _role_paths(user)}


def unit_by_code(code: str) -> Unit | None:
    """Find a unit by its statistics-office code or agency e-ID; merged units resolve to
    their successor so old codes printed on receipts keep working."""
    code = (code or "").strip().upper()
    if not code:
        return None
    unit = (
        Unit.objects.filter(agency_id=code).first()
        or Unit.objects.filter(stats_code=code).order_by("dissolved_at").first()
    )
    return unit.current() if unit else None


ALL_ROLES = [r.value for r in Role]
