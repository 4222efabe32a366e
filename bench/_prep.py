"""Credentials for the load benchmarks, printed as JSON: bearer tokens and session cookies for
a ward's one-stop officer (Nhân Chính: the measured queue and statistics), a district leader,
the district desk, and another ward's officer (Khương Mai: the intakes, so that the dossiers a
run adds never land in the queue or the statistics measured by the next run). Run inside the
benchmark's environment (its DATABASE_URL)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from congso.dossiers.models import ApiToken
    from congso.org.models import Staff
    from congso.procedures.models import ProcedureVersion

    out: dict[str, object] = {}
    for username in ("motcua.nc", "lanhdao.tx", "motcua.tx", "motcua.km"):
        staff = Staff.objects.select_related("user", "unit").get(user__username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(staff.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = staff.user.get_session_auth_hash()
        session.create()
        out[f"session:{username}"] = session.session_key
        token = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            staff=staff, name="bench", key_hash=hashlib.sha256(token.encode()).hexdigest()
        )
        out[f"token:{username}"] = token
        out[f"unit:{username}"] = staff.unit.pk
    ward = Staff.objects.get(user__username="motcua.km").unit
    version = (
        ProcedureVersion.objects.filter(
            is_published=True, procedure__offered_by__unit=ward, duration_kind="working_days"
        )
        .order_by("procedure__name", "-number")
        .first()
    )
    if version is None:
        raise SystemExit("no procedure offered by the ward")
    out["intake_version"] = version.pk
    out["intake_papers"] = list(version.papers.values_list("pk", flat=True))
    out.update(_register_points(out))
    print(json.dumps(out))


def _register_points(out: dict[str, object]) -> dict[str, object]:
    """For each register scenario of bench/city.py (a ward's and the district's register, the
    current month and the last 365 days): the row in the middle of the period, as the page
    number the old offset pagination shows it on (``trang``) and as the keyset cursor of the
    new one (``sau``), and a phone number and identity number of a dossier of the ward."""
    import datetime as dt

    from django.utils import timezone

    from congso.dossiers.models import Dossier
    from congso.org.models import Staff

    today = dt.date.today()
    periods = {"month": today.replace(day=1), "year": today - dt.timedelta(days=365)}
    points: dict[str, object] = {}
    for who in ("motcua.nc", "motcua.tx"):
        agency = Staff.objects.get(user__username=who).unit.agency()
        points[f"agency:{who}"] = agency.pk
        for name, start in periods.items():
            since = timezone.make_aware(dt.datetime.combine(start, dt.time(0, 0)))
            until = timezone.make_aware(
                dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 0))
            )
            rows = Dossier.objects.filter(
                agency=agency, received_at__gte=since, received_at__lt=until
            )
            total = rows.count()
            middle = rows.order_by("received_at", "pk").values("pk", "received_at")[
                total // 2 : total // 2 + 1
            ]
            row = next(iter(middle), None)
            points[f"deep:{who}:{name}"] = {
                "trang": total // 2 // 50 + 1,
                "sau": f"{int(row['received_at'].timestamp() * 1_000_000)}_{row['pk']}"
                if row
                else "",
            }
    ward = points["agency:motcua.nc"]
    sample = (
        Dossier.objects.filter(agency_id=ward)
        .exclude(applicant_phone="")
        .order_by("-pk")
        .values("applicant_phone", "applicant_id_number", "code")
        .first()
        or {}
    )
    points["search:phone"] = sample.get("applicant_phone", "0900000000")
    points["search:id_number"] = sample.get("applicant_id_number", "001099012345")
    points["search:code"] = sample.get("code", "X")
    return points


if __name__ == "__main__":
    main()
