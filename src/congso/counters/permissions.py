"""The counter devices' rules in the one permission policy (congso.org.policy, ADR 0046).

Devices (kiosk, board, terminal) are not people: they hold a device token (``devices``) and
never pass through these rules; every person's action at a counter does."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from congso.org.models import Role
from congso.org.policy import Reach, define

# Calling, serving and transferring tickets at a counter of the hall's desk.
SERVE = define(
    "counters.serve",
    [Role.ONESTOP_OFFICER],
    Reach.ACT,
    gettext_lazy("Chỉ cán bộ một cửa của %(unit)s được phục vụ tại quầy."),
)
# Halls, groups, counters and device tokens of the desks under the administrator.
MANAGE = define("counters.manage", [Role.SYSADMIN], Reach.OVERSEE)
# The hall's queue statistics: the desk itself, its leaders and the administrators.
STATS = define(
    "counters.stats",
    [Role.ONESTOP_OFFICER, Role.UNIT_LEADER, Role.DEPARTMENT_HEAD, Role.SYSADMIN],
    Reach.OVERSEE,
)
