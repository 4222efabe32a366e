"""State changes of the organisation: merge and dissolve units (the 2025 reform)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record

from . import policy
from .models import RoleAssignment, Staff, Unit, UnitName
from .selectors import roles_changed

# Other apps register a function (source, successor) -> int that moves what they own
# (offered procedures, dossiers, documents) from a merged unit to its successor.
MergeHandler = Callable[[Unit, Unit], int]
_merge_handlers: dict[str, MergeHandler] = {}


def register_merge_handler(name: str, handler: MergeHandler) -> None:
    _merge_handlers[name] = handler


@transaction.atomic
def unit_merge(*, source: Unit, successor: Unit, by=None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Merge ``source`` into ``successor``: its staff, roles and everything other apps own move
    to the successor; the source stays, dissolved, pointing at its successor, so its history is
    readable under its old name and its old codes still resolve. ``by`` (None: the system, a
    command or the demo) must hold ``org.unit_merge`` over both units (congso.org.policy)."""
    if by is not None:
        policy.ensure(by, "org.unit_merge", source)
        policy.ensure(by, "org.unit_merge", successor)
    source = Unit.objects.select_for_update().get(pk=source.pk)
    if source.pk == successor.pk or successor.path.startswith(source.path):
        raise ValidationError(
            _("Không thể sáp nhập một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
        )
    if source.dissolved_at:
        raise ValidationError(
            _("Đơn vị %(name)s đã giải thể hoặc sáp nhập trước đó.") % {"name": source.name}
        )
    if successor.dissolved_at:
        raise ValidationError(_("Đơn vị kế thừa %(name)s đã giải thể.") % {"name": successor.name})
    moved: dict[str, int] = {}
    now = timezone.now()
    moved["staff"] = Staff.objects.filter(unit=source).update(unit=successor)
    count = 0
    for ra in RoleAssignment.objects.filter(unit=source):
        _obj, created = RoleAssignment.objects.get_or_create(
            staff=ra.staff, unit=successor, role=ra.role
        )
        count += int(created)
    RoleAssignment.objects.filter(unit=source).delete()
    moved["roles"] = count
    # Sub-units (departments, desks) of the source move under the successor.
    children = list(Unit.objects.filter(parent=source))
    for child in children:
        child.parent = successor
        child.save()
    moved["children"] = len(children)
    for name, handler in _merge_handlers.items():
        moved[name] = handler(source, successor)
    UnitName.objects.create(unit=source, name=source.name, valid_until=now)
    source.successor = successor
    source.dissolved_at = now
    source.save(update_fields=["successor", "dissolved_at"])
    audit_record(
        actor=by,
        action="unit.merge",
        target=source,
        unit=successor,
        data={"successor": successor.pk, "successor_name": successor.name, "moved": moved},
    )
    roles_changed()  # staff moved with QuerySet.update(), which sends no signal
    return moved


@transaction.atomic
def unit_dissolve(*, unit: Unit, by=None, successor: Unit | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Dissolve a unit. Anything still open must go somewhere, so a unit that owns staff or
    sub-units needs a successor; an empty unit can be dissolved alone."""
    if successor is not None:
        return unit_merge(source=unit, successor=successor, by=by)
    if by is not None:
        policy.ensure(by, "org.unit_merge", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if (
        Staff.objects.filter(unit=unit).exists()
        or Unit.objects.filter(parent=unit, dissolved_at__isnull=True).exists()
    ):
        raise ValidationError(
            _("Đơn vị còn cán bộ hoặc đơn vị trực thuộc: cần chỉ định đơn vị kế thừa.")
        )
    unit.dissolved_at = timezone.now()
    unit.save(update_fields=["dissolved_at"])
    audit_record(actor=by, action="unit.dissolve", target=unit, unit=unit, data={})
    return {}
