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
        ApiToken.objects.create(staff=staff, name="bench", key_hash=hashlib.sha256(token.encode()).hexdigest())
        out[f"token:{username}"] = token
        out[f"unit:{username}"] = staff.unit.pk
    ward = Staff.objects.get(user__username="motcua.km").unit
    version = (ProcedureVersion.objects.filter(is_published=True, procedure__offered_by__unit=ward,
                                               duration_kind="working_days")
               .order_by("procedure__name", "-number").first())
    if version is None:
        raise SystemExit("no procedure offered by the ward")
    out["intake_version"] = version.pk
    out["intake_papers"] = list(version.papers.values_list("pk", flat=True))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
