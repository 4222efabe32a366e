"""Demo catalogue loader: ``load(variant)`` creates the procedures of ``demo_data`` through
the services (so each is audited and passes the publication rules), generates the blank
PDF forms citizens download, and makes the district and the wards offer them. Running it
again creates nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from congso.core import pdf
from congso.org.demo import load_org_demo

from .demo_data import FIELDS, FORMS, HOME_STEPS, NATIONAL_CODES, PROCEDURES
from .models import Fee, Field, InternalStep, Procedure, RequiredPaper, UnitProcedure
from .services import procedure_create, procedure_update, version_create_draft, version_publish

V1_FROM = dt.date(2015, 1, 1)
FORM_DIR = "procedures/forms/"


def form_pdf(key: str) -> bytes:
    """A blank form: national heading, title, and one dotted line per field."""
    title, note, labels = FORMS[key]
    flow: list[Any] = [
        pdf.national_header("", ""),
        pdf.p(" "),
        pdf.p(title, "title"),
        pdf.p(note, "center_italic"),
        pdf.p(" "),
        pdf.p("Kính gửi: Ủy ban nhân dân ................................................"),
        pdf.p(" "),
    ]
    for label in labels:
        flow.append(pdf.p(f"{label}: " + "." * max(20, 100 - len(label))))
    flow += [
        pdf.p(" "),
        pdf.p(
            "Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
            "về cam đoan của mình."
        ),
        pdf.p(" "),
        pdf.p("Làm tại ................, ngày ...... tháng ...... năm ..........", "center_italic"),
        pdf.p("NGƯỜI YÊU CẦU", "center_bold"),
        pdf.p("(Ký, ghi rõ họ, chữ đệm, tên)", "center_italic"),
    ]
    return pdf.build(flow, title=title.capitalize())


def ensure_form_file(key: str) -> str:
    """Storage name of the generated form ``key``, written once."""
    name = f"{FORM_DIR}{key}.pdf"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(form_pdf(key)))
        return saved
    return name


def _version_values(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": spec["name"],
        "steps": HOME_STEPS,
        "via_counter": True,
        "via_post": True,
        "via_online": spec["online"] != "none",
        "sets": 1,
        "duration": spec["duration"],
        "duration_kind": spec["kind"],
        "duration_note": spec.get("note", ""),
        "applicants": spec["applicants"],
        "implementing_agency": spec["agency"],
        "result": spec["result"],
        "fee_note": spec["fee_note"],
        "conditions": spec.get("conditions", ""),
        "legal_basis": spec["basis"],
        "online_level_2015": spec["online_2015"],
        "online_level": spec["online"],
        "supplement_once": True,
        "form_schema": spec.get("schema", []),
    }


def _fill(version: Any, spec: dict[str, Any]) -> None:
    """Papers, fees and steps of a draft (replacing what the draft copied)."""
    version.papers.all().delete()
    version.fees.all().delete()
    version.internal_steps.all().delete()
    RequiredPaper.objects.bulk_create(
        [
            RequiredPaper(
                version=version,
                order=i,
                name=p["name"],
                form_name=p["form_name"],
                form_file=ensure_form_file(p["form"]) if p["form"] else "",
                originals=p["originals"],
                copies=p["copies"],
                required=p["required"],
            )
            for i, p in enumerate(spec["papers"], start=1)
        ]
    )
    Fee.objects.bulk_create(
        [
            Fee(version=version, kind=f["kind"], name=f["name"], amount=f["amount"], note=f["note"])
            for f in spec["fees"]
        ]
    )
    InternalStep.objects.bulk_create(
        [
            InternalStep(
                version=version, order=i, name=name, actor=actor, department=dept, budget=budget
            )
            for i, (name, actor, dept, budget) in enumerate(spec["steps"], start=1)
        ]
    )


def _create(spec: dict[str, Any], field: Field) -> Procedure:
    procedure = procedure_create(
        by=None,
        name=spec["name"],
        slug=spec["slug"],
        field=field,
        level=spec["level"],
        national_code=NATIONAL_CODES.get(spec["slug"], ""),
    )
    v1 = version_create_draft(
        by=None, procedure=procedure, valid_from=V1_FROM, **_version_values(spec)
    )
    _fill(v1, spec)
    version_publish(by=None, version=v1)
    if "v2" in spec:
        change = spec["v2"]
        merged = {**spec, **{k: v for k, v in change.items() if k != "valid_from"}}
        v2 = version_create_draft(
            by=None,
            procedure=procedure,
            valid_from=dt.date.fromisoformat(change["valid_from"]),
            **_version_values(merged),
        )
        _fill(v2, merged)
        version_publish(by=None, version=v2)
    return procedure


@transaction.atomic
def load(variant: str = "2015") -> str | None:
    org = load_org_demo()
    fields = {
        code: Field.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in FIELDS
    }
    created = 0
    wards = list(org.wards.values())
    for spec in PROCEDURES:
        procedure = Procedure.objects.filter(slug=spec["slug"]).first()
        if procedure is None:
            procedure = _create(spec, fields[spec["field"]])
            created += 1
        elif (
            not procedure.national_code
            and NATIONAL_CODES.get(spec["slug"])
            and not Procedure.objects.filter(national_code=NATIONAL_CODES[spec["slug"]]).exists()
        ):
            # A demo loaded before the codes were added gets them (ADR 0024).
            procedure_update(
                by=None, procedure=procedure, national_code=NATIONAL_CODES[spec["slug"]]
            )
        scope = spec.get("scope", spec["level"])
        if scope == "district":
            units = [org.district]
        elif scope == "farmland":
            units = [w for w in wards if w.has_farmland]
        else:
            units = wards
        for unit in units:
            # Directly, not via unit_offer: a unit already merged away (two-tier variant run
            # twice) keeps its historical offers without re-auditing them.
            UnitProcedure.objects.get_or_create(unit=unit, procedure=procedure)
    # Regenerate form files if media was wiped but the database kept its rows.
    for key in FORMS:
        ensure_form_file(key)
    if not created:
        return None
    return f"Đã nạp danh mục thủ tục: {created} thủ tục, kèm biểu mẫu PDF và đơn vị tiếp nhận."
