"""Prepare a fresh database for the crash test (run inside the server's environment): the
demo organisation, one published procedure offered by Nhân Chính ward, and an API token for
its one-stop officer. Prints JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

# The demo officers of this scratch database never log in; hashing 27 passwords with PBKDF2
# would be most of the setup time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from congso.dossiers.models import ApiToken  # noqa: E402
from congso.org.demo import load_org_demo  # noqa: E402
from congso.procedures.models import (  # noqa: E402
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    UnitProcedure,
)

org = load_org_demo()
ward = org.wards["00343"]
field, _ = Field.objects.get_or_create(code="chung-thuc", defaults={"name": "Chứng thực"})
procedure, _ = Procedure.objects.get_or_create(
    slug="chung-thuc-ban-sao-tu-ban-chinh",
    defaults={"name": "Chứng thực bản sao từ bản chính", "field": field, "level": "ward"},
)
version, created = ProcedureVersion.objects.get_or_create(
    procedure=procedure,
    number=1,
    defaults={
        "valid_from": dt.date(2015, 1, 1),
        "is_published": True,
        "name": procedure.name,
        "duration": Decimal(2),
        "duration_kind": "working_days",
    },
)
if created:
    RequiredPaper.objects.create(version=version, order=1, name="Bản chính giấy tờ", originals=1)
    RequiredPaper.objects.create(version=version, order=2, name="Bản sao cần chứng thực", copies=1)
    for order, (name, actor, budget) in enumerate(
        [
            ("Tiếp nhận", "onestop", "0.5"),
            ("Thụ lý", "specialist", "1"),
            ("Ký", "unit_leader", "0.5"),
        ],
        start=1,
    ):
        InternalStep.objects.create(
            version=version, order=order, name=name, actor=actor, budget=Decimal(budget)
        )
UnitProcedure.objects.get_or_create(unit=ward, procedure=procedure)
token = secrets.token_urlsafe(32)
ApiToken.objects.create(
    staff=org.staff["motcua.nc"],
    name="crash-test",
    key_hash=hashlib.sha256(token.encode()).hexdigest(),
)
print(
    json.dumps(
        {
            "token": token,
            "version": version.pk,
            "papers": list(version.papers.values_list("pk", flat=True)),
        }
    )
)
