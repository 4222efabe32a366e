"""Fill the database with a realistic city's one-stop dossiers, fast.

    python -m bench.generate --dossiers 1000000            # Thanh Xuân: the district + 11 wards
    python -m bench.generate --dossiers 1000000 --city     # + 29 synthetic districts, ~500 wards

Rows go in with ``bulk_create`` in batches and explicit primary keys (one code path for SQLite
and PostgreSQL; sequences are reset at the end). Proportions follow the 2015 report and a
province's monthly figures (DOMAIN §4): about 70 % of dossiers at wards, counter 55 % / online
40 % / post 5 %, ~93 % of old dossiers returned, 62 % early / 35 % on time / 3 % late, a third
of returned dossiers rated, 95 % of them satisfied. What is NOT generated, on purpose: audit
events (the chain would take an hour to hash and measures nothing here), attachments, and
internal steps of closed dossiers (only open dossiers get their steps, which the queues use).
Writes ``bench_fixtures.json`` beside the database with sample lookups and unit codes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thu",
    "Ngọc",
    "Quang",
    "Thanh",
    "Xuân",
    "Hoài",
    "Gia",
]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
]
STREETS = [
    "Nguyễn Trãi",
    "Khương Đình",
    "Lê Văn Lương",
    "Nguyễn Tuân",
    "Vũ Trọng Phụng",
    "Kim Giang",
    "Trường Chinh",
    "Lê Trọng Tấn",
    "Nguyễn Huy Tưởng",
    "Quan Nhân",
]
VN = dt.timezone(dt.timedelta(hours=7))
BATCH = 5000


def _setup() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    import django

    django.setup()


def _add_weekdays(start: dt.datetime, days: float) -> dt.datetime:
    whole = int(days)
    current = start
    while whole > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            whole -= 1
    frac = days - int(days)
    if frac:
        current += dt.timedelta(hours=8 * frac)
    return current


def ensure_city(n_districts: int, wards_per_district: int) -> None:
    """Synthetic districts and wards beside Thanh Xuân, offering the same procedures."""
    from congso.org.models import Unit, UnitKind
    from congso.procedures.models import UnitProcedure

    city = Unit.objects.get(stats_code="01", kind=UnitKind.PROVINCE)
    model_district = Unit.objects.get(stats_code="009", kind=UnitKind.DISTRICT)
    model_ward = Unit.objects.get(stats_code="00343", kind=UnitKind.WARD)
    district_offer = list(
        UnitProcedure.objects.filter(unit=model_district).values_list("procedure_id", flat=True)
    )
    ward_offer = list(
        UnitProcedure.objects.filter(unit=model_ward).values_list("procedure_id", flat=True)
    )
    departments = list(
        Unit.objects.filter(parent=model_district, kind=UnitKind.DEPARTMENT).values_list(
            "abbreviation", "name"
        )
    )
    for d in range(1, n_districts + 1):
        agency_id = f"H26.{100 + d}"
        district = Unit.objects.filter(agency_id=agency_id).first()
        if district:
            continue
        district = Unit.objects.create(
            parent=city,
            kind=UnitKind.DISTRICT,
            name=f"UBND quận mẫu {d:02d}",
            short_name=f"Quận mẫu {d:02d}",
            abbreviation="UBND",
            agency_id=agency_id,
            saturday_reception=True,
        )
        Unit.objects.create(
            parent=district,
            kind=UnitKind.ONESTOP,
            name=f"Bộ phận một cửa quận mẫu {d:02d}",
            abbreviation="MC",
        )
        for abbr, name in departments:
            Unit.objects.create(
                parent=district, kind=UnitKind.DEPARTMENT, name=name, abbreviation=abbr
            )
        UnitProcedure.objects.bulk_create(
            [UnitProcedure(unit=district, procedure_id=p) for p in district_offer]
        )
        for w in range(1, wards_per_district + 1):
            ward = Unit.objects.create(
                parent=district,
                kind=UnitKind.WARD,
                name=f"UBND phường mẫu {d:02d}.{w:02d}",
                short_name=f"Phường mẫu {d:02d}.{w:02d}",
                abbreviation="UBND",
                agency_id=f"{agency_id}.{w:02d}",
                saturday_reception=True,
            )
            UnitProcedure.objects.bulk_create(
                [UnitProcedure(unit=ward, procedure_id=p) for p in ward_offer]
            )


class _Writer:
    """Buffered raw inserts: executemany on SQLite, COPY on PostgreSQL. The ORM's per-row
    overhead (model __init__, get_db_prep_save) made 1,000,000 dossiers take half an hour."""

    def __init__(self, connection: Any, models: tuple[type, ...]) -> None:
        self.connection = connection
        self.models = models
        self.rows: dict[type, list[tuple[Any, ...]]] = {m: [] for m in models}
        self.columns: dict[type, list[tuple[str, str, Any, Any]]] = {}
        for model in models:
            cols = []
            for f in model._meta.concrete_fields:
                default = f.get_default() if f.has_default() or not f.null else None
                cols.append((f.attname, f.column, default, self._converter(f)))
            self.columns[model] = cols

    def _converter(self, field: Any) -> Any:
        from django.db import models as m

        sqlite = self.connection.vendor == "sqlite"
        if isinstance(field, m.JSONField):
            return lambda v: json.dumps(v if v is not None else {})
        if sqlite and isinstance(field, m.DateTimeField):
            return lambda v: (
                None if v is None else v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            )
        if sqlite and isinstance(field, m.DateField):
            return lambda v: None if v is None else v.isoformat()
        if sqlite and isinstance(field, m.DecimalField):
            return lambda v: None if v is None else str(v)
        return None

    def add(self, model: type, values: dict[str, Any]) -> None:
        row = []
        for attname, _column, default, convert in self.columns[model]:
            value = values.get(attname, default)
            row.append(convert(value) if convert else value)
        self.rows[model].append(tuple(row))

    def pending(self, model: type) -> int:
        return len(self.rows[model])

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.connection.ensure_connection()
            raw = self.connection.connection
            for model in self.models:
                rows = self.rows[model]
                if not rows:
                    continue
                table = model._meta.db_table
                names = [c[1] for c in self.columns[model]]
                if self.connection.vendor == "postgresql":
                    cols = ", ".join(f'"{n}"' for n in names)
                    with (
                        raw.cursor() as cursor,
                        cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
                    ):
                        for row in rows:
                            copy.write_row(row)
                else:
                    cols = ", ".join(f'"{n}"' for n in names)
                    marks = ", ".join("?" for _ in names)
                    cursor = raw.cursor()
                    cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
                    cursor.close()
                rows.clear()


def generate(
    total: int,
    *,
    days: int = 730,
    seed: int = 20151,
    city: bool = False,
    fixtures_path: Path | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from congso.dossiers.models import (
        ApplicantKind,
        Channel,
        Dossier,
        DossierCodeCounter,
        DossierStep,
        Handover,
        Rating,
        RegisterCounter,
        RegisterEntry,
        ReturnMethod,
        Stage,
        Status,
        StatusHistory,
        Timeliness,
    )
    from congso.org.models import Staff, Unit, UnitKind
    from congso.procedures.models import InternalStep, ProcedureVersion
    from congso.search.normalize import fold

    rng = random.Random(seed)
    if city:
        ensure_city(29, 17)
    now = now or dt.datetime.now(VN).replace(microsecond=0)
    agencies = list(
        Unit.objects.active().filter(kind__in=[UnitKind.DISTRICT, UnitKind.WARD]).order_by("pk")
    )
    if not agencies:
        raise SystemExit("Chưa có đơn vị: chạy `manage.py demo_load` trước.")
    today = now.date()
    versions_by_agency: dict[int, list[ProcedureVersion]] = {}
    for agency in agencies:
        versions = list(
            ProcedureVersion.objects.filter(
                is_published=True,
                valid_from__lte=today,
                procedure__offered_by__unit=agency,
                procedure__offered_by__is_active=True,
            )
            .exclude(valid_to__lt=today)
            .select_related("procedure")
            .prefetch_related("fees")
            .order_by("procedure_id", "-number")
        )
        latest: dict[int, ProcedureVersion] = {}
        for v in versions:
            latest.setdefault(v.procedure_id, v)
        if latest:
            versions_by_agency[agency.pk] = list(latest.values())
    agencies = [a for a in agencies if a.pk in versions_by_agency]
    if not agencies:
        raise SystemExit(
            "Chưa có thủ tục nào được đơn vị tiếp nhận: chạy `manage.py demo_load` trước."
        )
    children = defaultdict(list)
    for unit in Unit.objects.filter(
        parent__in=agencies, kind__in=[UnitKind.ONESTOP, UnitKind.DEPARTMENT]
    ):
        children[unit.parent_id].append(unit)
    desk = {
        a.pk: next((u for u in children[a.pk] if u.kind == UnitKind.ONESTOP), a) for a in agencies
    }
    depts = {
        a.pk: {u.abbreviation: u for u in children[a.pk] if u.kind == UnitKind.DEPARTMENT}
        for a in agencies
    }
    first_dept = {}
    for step in InternalStep.objects.exclude(department="").order_by("version_id", "order"):
        first_dept.setdefault(step.version_id, step.department)
    steps_by_version: dict[int, list[InternalStep]] = defaultdict(list)
    for step in InternalStep.objects.order_by("version_id", "order"):
        steps_by_version[step.version_id].append(step)
    staff_by_unit: dict[int, list[int]] = defaultdict(list)
    for staff_id, unit_id in Staff.objects.values_list("pk", "unit_id"):
        staff_by_unit[unit_id].append(staff_id)
    # District dossiers are fewer but heavier: weight wards 70 %, districts 30 %.
    n_districts = sum(1 for a in agencies if a.kind == UnitKind.DISTRICT)
    n_wards = len(agencies) - n_districts
    weights = [
        (0.3 / max(n_districts, 1)) if a.kind == UnitKind.DISTRICT else (0.7 / max(n_wards, 1))
        for a in agencies
    ]

    code_last: dict[tuple[int, dt.date], int] = {
        (c.agency_id, c.day): c.last for c in DossierCodeCounter.objects.all()
    }
    reg_last: dict[tuple[int, int], int] = {
        (c.agency_id, c.year): c.last for c in RegisterCounter.objects.all()
    }
    next_ids = {
        m: (m.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for m in (Dossier, StatusHistory, Handover, RegisterEntry, Rating, DossierStep)
    }

    workdays = [today - dt.timedelta(days=i) for i in range(days, -1, -1)]
    workdays = [d for d in workdays if d.weekday() < 5]
    per_day = total / len(workdays)
    samples: list[dict[str, str]] = []
    made = 0
    started = time.monotonic()

    writer = _Writer(
        connection, (Dossier, StatusHistory, Handover, RegisterEntry, Rating, DossierStep)
    )

    def flush() -> None:
        writer.flush()

    def add(model: type, **values: Any) -> int:
        pk = next_ids[model]
        next_ids[model] += 1
        values["id"] = pk
        writer.add(model, values)
        return pk

    carry = 0.0
    for day in workdays:
        carry += per_day
        count = int(carry)
        carry -= count
        if day == workdays[-1]:
            count += total - made - count if made + count < total else 0
        # The day's receipt minutes in order, so that each agency's register numbers and codes
        # follow receipt order, as at a real desk (the register page is read in that order).
        minutes = sorted(rng.randint(0, 8 * 60 + 30) for _ in range(count))
        for minute in minutes:
            if made >= total:
                break
            agency = rng.choices(agencies, weights)[0]
            version = rng.choice(versions_by_agency[agency.pk])
            opening = dt.datetime.combine(day, dt.time(8, 0), VN)
            if day == today:  # today's dossiers fit between the opening and now, still in order
                minute = (
                    minute * max(0, int((now - opening).total_seconds() // 60)) // (8 * 60 + 30)
                )
            received = opening + dt.timedelta(minutes=minute)
            if received > now:
                received = now - dt.timedelta(seconds=1)
            amount = float(version.duration or 1)
            due = (
                _add_weekdays(received, amount)
                if version.duration_kind != "calendar_days"
                else received + dt.timedelta(days=amount)
            )
            if version.duration_kind == "working_hours":
                due = received + dt.timedelta(hours=amount)
            channel = rng.choices([Channel.COUNTER, Channel.ONLINE, Channel.POST], [55, 40, 5])[0]
            key = (agency.pk, day)
            code_last[key] = code_last.get(key, 0) + 1
            code = f"{agency.agency_id}-{day:%y%m%d}-{code_last[key]:04d}"
            rkey = (agency.pk, day.year)
            reg_last[rkey] = reg_last.get(rkey, 0) + 1
            old = due < now - dt.timedelta(days=5)
            r = rng.random()
            if old:
                status = (
                    Status.RETURNED
                    if r < 0.93
                    else Status.REFUSED
                    if r < 0.95
                    else Status.WITHDRAWN
                    if r < 0.965
                    else Status.STOPPED
                    if r < 0.97
                    else Status.RESULT_READY
                )
            else:
                status = (
                    Status.ACCEPTED
                    if r < 0.10
                    else Status.PROCESSING
                    if r < 0.55
                    else Status.SUPPLEMENT
                    if r < 0.60
                    else Status.AWAITING_PAYMENT
                    if r < 0.63
                    else Status.RESULT_READY
                    if r < 0.75
                    else Status.RETURNED
                )
            finished = returned = None
            timeliness = ""
            if status in (Status.RESULT_READY, Status.RETURNED):
                t = rng.random()
                if t < 0.62:
                    timeliness = Timeliness.EARLY
                    finished = due - dt.timedelta(hours=rng.uniform(10, 72))
                elif t < 0.97:
                    timeliness = Timeliness.ON_TIME
                    finished = due - dt.timedelta(minutes=rng.uniform(1, 240))
                else:
                    timeliness = Timeliness.LATE
                    finished = due + dt.timedelta(hours=rng.uniform(2, 96))
                finished = max(finished, received + dt.timedelta(minutes=30))
                if finished > now:
                    finished, timeliness = now - dt.timedelta(minutes=5), Timeliness.EARLY
                if status == Status.RETURNED:
                    returned = min(finished + dt.timedelta(hours=rng.uniform(0.5, 60)), now)
            dept_abbr = first_dept.get(version.pk, "")
            dept = (
                depts[agency.pk].get(dept_abbr)
                or next(iter(depts[agency.pk].values()), None)
                or agency
            )
            open_stage = {
                Status.ACCEPTED: Stage.DESK,
                Status.SUPPLEMENT: Stage.SPECIALIST,
                Status.AWAITING_PAYMENT: Stage.DESK,
                Status.RESULT_READY: Stage.RETURN,
            }
            if status == Status.PROCESSING:
                stage = rng.choice(
                    [
                        Stage.DEPARTMENT,
                        Stage.SPECIALIST,
                        Stage.SPECIALIST,
                        Stage.LEADER,
                        Stage.CLERK,
                    ]
                )
            else:
                stage = open_stage.get(status, Stage.CLOSED)
            handling = {
                Stage.DESK: desk[agency.pk],
                Stage.RETURN: desk[agency.pk],
                Stage.CLOSED: desk[agency.pk],
                Stage.LEADER: agency,
            }.get(stage, dept)
            handler = None
            if stage == Stage.SPECIALIST and staff_by_unit.get(handling.pk):
                handler = rng.choice(staff_by_unit[handling.pk])
            family, middle, given = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
            id_number = f"{rng.randint(1, 96):03d}{rng.randint(0, 3)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"
            dossier_id = add(
                Dossier,
                code=code,
                procedure_version_id=version.pk,
                agency_id=agency.pk,
                receiving_unit_id=desk[agency.pk].pk,
                processing_agency_id=agency.pk,
                handling_unit_id=handling.pk,
                handler_id=handler,
                stage=stage,
                applicant_kind=ApplicantKind.INDIVIDUAL,
                applicant_name=f"{family} {middle} {given}",
                applicant_id_number=id_number,
                applicant_name_folded=fold(f"{family} {middle} {given}"),
                applicant_address=f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, Hà Nội",
                applicant_phone=f"09{rng.randint(10000000, 99999999)}",
                channel=channel,
                status=status,
                submitted_at=received,
                received_at=received,
                original_due_at=due,
                due_at=due,
                finished_at=finished,
                timeliness=timeliness,
                returned_at=returned,
                return_method=ReturnMethod.COUNTER if returned else "",
                collected_by=f"{family} {middle} {given}" if returned else "",
                fee_total=sum(f.amount for f in version.fees.all()),
                fee_paid=True,
                created_at=received,
                updated_at=returned or finished or received,
            )
            add(
                RegisterEntry,
                agency_id=agency.pk,
                year=day.year,
                number=reg_last[rkey],
                dossier_id=dossier_id,
            )
            add(
                StatusHistory,
                dossier_id=dossier_id,
                action="receive",
                from_status=None,
                to_status=Status.ACCEPTED,
                unit_id=desk[agency.pk].pk,
                actor_name="Cán bộ một cửa",
                at=received,
            )
            if status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
                add(
                    StatusHistory,
                    dossier_id=dossier_id,
                    action="stop",
                    from_status=Status.PROCESSING,
                    to_status=status,
                    unit_id=agency.pk,
                    at=received + dt.timedelta(days=1),
                )
            if status != Status.ACCEPTED:
                sent = received + dt.timedelta(hours=rng.uniform(0.2, 3))
                add(
                    Handover,
                    dossier_id=dossier_id,
                    action="hand_over",
                    from_unit_id=desk[agency.pk].pk,
                    from_name="Cán bộ một cửa",
                    to_unit_id=dept.pk,
                    sent_at=sent,
                    received_at=sent,
                    timeliness=Timeliness.ON_TIME,
                )
                add(
                    StatusHistory,
                    dossier_id=dossier_id,
                    action="hand_over",
                    from_status=Status.ACCEPTED,
                    to_status=Status.PROCESSING,
                    unit_id=desk[agency.pk].pk,
                    at=sent,
                )
            if finished:
                add(
                    StatusHistory,
                    dossier_id=dossier_id,
                    action="record_result",
                    from_status=Status.PROCESSING,
                    to_status=Status.RESULT_READY,
                    unit_id=agency.pk,
                    at=finished,
                )
                add(
                    Handover,
                    dossier_id=dossier_id,
                    action="return_to_desk",
                    from_unit_id=dept.pk,
                    to_unit_id=desk[agency.pk].pk,
                    sent_at=finished,
                    received_at=finished,
                    timeliness=timeliness,
                )
            if returned:
                add(
                    StatusHistory,
                    dossier_id=dossier_id,
                    action="return_result",
                    from_status=Status.RESULT_READY,
                    to_status=Status.RETURNED,
                    unit_id=desk[agency.pk].pk,
                    at=returned,
                )
                if rng.random() < 0.35:
                    level = rng.choices([3, 2, 1], [60, 35, 5])[0]
                    add(
                        Rating,
                        dossier_id=dossier_id,
                        level=level,
                        source=rng.choice(["counter", "online"]),
                        rated_at=returned,
                    )
            if stage != Stage.CLOSED:
                budget = Decimal(0)
                for st in steps_by_version.get(version.pk, []):
                    budget += st.budget
                    add(
                        DossierStep,
                        dossier_id=dossier_id,
                        order=st.order,
                        name=st.name,
                        actor=st.actor,
                        department=st.department,
                        budget=st.budget,
                        due_at=min(_add_weekdays(received, float(budget)), due),
                    )
            if len(samples) < 2000 and rng.random() < 0.01:
                samples.append({"code": code, "id_number": id_number})
            made += 1
            if writer.pending(Dossier) >= BATCH:
                flush()
                rate = made / (time.monotonic() - started)
                print(f"  {made:>9,} hồ sơ ({rate:,.0f}/s)", flush=True)
    flush()
    with transaction.atomic():
        # Counters continue from what the generator issued, so live intake never reuses a code.
        DossierCodeCounter.objects.filter(agency_id__in={a for a, _ in code_last}).delete()
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(agency_id=a, day=d, last=n) for (a, d), n in code_last.items()],
            batch_size=5000,
        )
        RegisterCounter.objects.filter(agency_id__in={a for a, _ in reg_last}).delete()
        RegisterCounter.objects.bulk_create(
            [RegisterCounter(agency_id=a, year=y, last=n) for (a, y), n in reg_last.items()],
            batch_size=5000,
        )
    sql = connection.ops.sequence_reset_sql(
        no_style(), [Dossier, StatusHistory, Handover, RegisterEntry, Rating, DossierStep]
    )
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
    with connection.cursor() as cursor:
        # After a bulk load: statistics for the planner and, on PostgreSQL, the visibility map
        # that index-only scans (queue counts) rely on, as autovacuum would set it later.
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    seconds = time.monotonic() - started
    info = {
        "dossiers": made,
        "seconds": round(seconds, 1),
        "rate": round(made / seconds if seconds else 0),
        "agencies": len(agencies),
        "samples": samples,
        "engine": connection.vendor,
        "district": next((a.agency_id for a in agencies if a.kind == UnitKind.DISTRICT), None),
        "wards": [a.agency_id for a in agencies if a.kind == UnitKind.WARD][:20],
    }
    if fixtures_path:
        fixtures_path.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return info


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--city", action="store_true", help="30 quận, ~500 phường")
    parser.add_argument("--seed", type=int, default=20151)
    parser.add_argument("--fixtures", type=Path, default=None)
    args = parser.parse_args(argv)
    _setup()
    info = generate(
        args.dossiers, days=args.days, seed=args.seed, city=args.city, fixtures_path=args.fixtures
    )
    print(
        f"Đã tạo {info['dossiers']:,} hồ sơ cho {info['agencies']} đơn vị trong {info['seconds']} s "
        f"({info['rate']:,}/s, {info['engine']})."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
