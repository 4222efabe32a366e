"""Demo dossiers: a few hundred dossiers at the district desk and two wards over the last
weeks, driven through the real services at back-dated times (the documented bulk path: the
services' ``at`` argument), so queues, forms, the register and statistics show real shapes.
Running it again creates nothing new."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from congso.org.demo import load_org_demo
from congso.org.models import Unit
from congso.procedures.models import Procedure, ProcedureVersion

from . import actions, deadlines, services
from .models import Channel, Dossier, ReturnMethod, Stage, Status
from .services import Applicant, PaperReceived

DEPARTMENT_STAFF = {
    "TP": "tp",
    "QLĐT": "qldt",
    "TNMT": "tnmt",
    "TCKH": "tckh",
    "LĐTBXH": "ldtbxh",
    "VHTT": "vhtt",
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Linh",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Trang",
    "Tuấn",
    "Yến",
]
STREETS = [
    "Nguyễn Trãi",
    "Khuất Duy Tiến",
    "Lê Văn Lương",
    "Vũ Trọng Phụng",
    "Nguyễn Tuân",
    "Quan Nhân",
    "Khương Đình",
    "Trường Chinh",
]
COUNTS = {"district": 170, "00343": 50, "00352": 45}


def _current(proc: Procedure, day: dt.date) -> ProcedureVersion | None:
    return proc.versions.filter(is_published=True, valid_from__lte=day).order_by("-number").first()


def load(variant: str) -> str | None:
    org = load_org_demo()
    if Dossier.objects.filter(idempotency_key__startswith="demo:").exists():
        return "Hồ sơ một cửa mẫu đã có, không nạp lại."
    district_procs = list(Procedure.objects.filter(offered_by__unit=org.district).order_by("pk"))
    if not district_procs:
        return "Chưa có thủ tục mẫu: bỏ qua hồ sơ một cửa mẫu."
    rng = random.Random(2015)
    made = 0
    with transaction.atomic():
        made += _load_site(org, org.desk, district_procs, COUNTS["district"], rng, "district")
        for code in ("00343", "00352"):
            ward = org.wards[code]
            procs = list(Procedure.objects.filter(offered_by__unit=ward).order_by("pk"))
            if procs:
                made += _load_site(
                    org, ward, procs, COUNTS[code], rng, code, lien_thong=district_procs
                )
    return f"Đã nạp {made} hồ sơ một cửa mẫu (quận và phường Nhân Chính, Khương Mai)."


def _staff_keys(site: str) -> dict[str, str]:
    if site == "district":
        return {"desk": "motcua.tx", "leader": "lanhdao.tx", "clerk": "vanthu.tx"}
    short = {"00343": "nc", "00352": "km"}[site]
    return {
        "desk": f"motcua.{short}",
        "leader": f"lanhdao.{short}",
        "clerk": f"vanthu.{short}",
        "head": f"lanhdao.{short}",
        "specialist": f"congchuc.{short}",
    }


def _person(rng: random.Random, i: int) -> Applicant:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    if rng.random() < 0.1:
        return Applicant(
            kind="organisation",
            name=f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(STREETS)}",
            id_number=f"010{rng.randrange(10**7):07d}",
            address=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, Thanh Xuân, Hà Nội",
        )
    return Applicant(
        kind="individual",
        name=name,
        id_number=f"0010{rng.randrange(10**8):08d}",
        address=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, Thanh Xuân, Hà Nội",
        phone=f"09{rng.randrange(10**8):08d}" if i % 10 == 0 else "",
    )


def _load_site(
    org,
    unit: Unit,
    procs: list[Procedure],
    count: int,
    rng: random.Random,
    site: str,  # type: ignore[no-untyped-def]
    lien_thong: list[Procedure] | None = None,
) -> int:
    keys = _staff_keys(site)
    staff = org.staff
    now = timezone.now()
    agency = unit.agency()
    made = 0
    for i in range(count):
        forwarded = bool(lien_thong) and i % 12 == 0
        proc = rng.choice(lien_thong if forwarded and lien_thong else procs)
        days_ago = rng.randint(0, 55)
        day = timezone.localdate() - dt.timedelta(days=days_ago)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        at = deadlines.add_working_time(
            agency,
            deadlines.cal.next_working_start(agency, start),
            dt.timedelta(minutes=rng.randint(0, 7 * 60)),
        )
        if at > now:
            continue
        version = _current(proc, timezone.localdate(at))
        if version is None:
            continue
        papers = [PaperReceived(p, p.originals, p.copies) for p in version.papers.all()]
        channel = Channel.POST if i % 9 == 0 else Channel.COUNTER
        applicant = _person(rng, i)
        key = f"demo:{site}:{i}"
        if version.via_online and i % 5 == 0:
            d = services.dossier_submit_online(
                version=version, agency=agency, applicant=applicant, idempotency_key=key, at=at
            )
            accepted_at = _later(agency, at, rng, 1, 6, now)
            if accepted_at is None:
                made += 1
                continue  # still waiting for the desk
            at = accepted_at
            d = services.dossier_accept(dossier=d, by=staff[keys["desk"]], papers=papers, at=at)
        elif i % 25 == 7:
            services.dossier_refuse_at_intake(
                by=staff[keys["desk"]],
                receiving_unit=unit,
                version=version,
                applicant=applicant,
                channel=channel,
                at=at,
                reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
            )
            made += 1
            continue
        else:
            d = services.dossier_receive(
                by=staff[keys["desk"]],
                receiving_unit=unit,
                version=version,
                applicant=applicant,
                channel=channel,
                papers=papers,
                idempotency_key=key,
                at=at,
            )
        made += 1
        _progress(org, d, keys, rng, at, now, forwarded)
    return made


def _later(
    unit: Unit, at: dt.datetime, rng: random.Random, low: int, high: int, now: dt.datetime
) -> dt.datetime | None:
    nxt = deadlines.add_working_time(unit, at, dt.timedelta(hours=rng.randint(low, high)))
    return None if nxt > now else nxt


def _progress(
    org,
    d: Dossier,
    keys: dict[str, str],
    rng: random.Random,
    at: dt.datetime,  # type: ignore[no-untyped-def]
    now: dt.datetime,
    forwarded: bool,
) -> None:
    """Drive one dossier forward step by step until 'now' or a random stopping point; some
    are slow (late), some get a supplement request, an apology, or are withdrawn."""
    staff = org.staff
    unit = d.agency
    slow = rng.random() < 0.15
    if forwarded:
        moved = _later(unit, at, rng, 1, 3, now)
        if moved is None:
            return
        at = moved
        services.dossier_forward(dossier=d, by=staff[keys["desk"]], to_agency=org.district, at=at)
        keys = _staff_keys("district") | {"desk_origin": keys["desk"]}
        unit = org.district
    if rng.random() < 0.03:
        services.dossier_withdraw(
            dossier=d,
            by=staff[keys.get("desk_origin", keys["desk"])],
            reason="Công dân xin rút hồ sơ.",
            at=_later(unit, at, rng, 1, 4, now) or now,
        )
        return
    d.refresh_from_db()
    if d.processing_agency.kind == "ward":
        dept, head, specialist = d.processing_agency, keys["head"], keys["specialist"]
    else:
        default = actions.default_department(d)
        abbr = (
            default.abbreviation
            if default and default.abbreviation in DEPARTMENT_STAFF
            else rng.choice(list(DEPARTMENT_STAFF))
        )
        dept = org.departments[abbr]
        head, specialist = (
            f"truongphong.{DEPARTMENT_STAFF[abbr]}",
            f"chuyenvien.{DEPARTMENT_STAFF[abbr]}",
        )
    total_hours = (
        int(Decimal(d.procedure_version.duration) * 8)
        if d.procedure_version.duration_kind in ("working_days", "calendar_days")
        else 8
    )
    step_hours = max(1, total_hours // 5)
    plan = [
        (
            "hand_over",
            lambda t: services.dossier_hand_over(
                dossier=d, by=staff[keys["desk"]], to_unit=dept, at=t
            ),
        ),
        (
            "assign",
            lambda t: services.dossier_assign(
                dossier=d, by=staff[head], specialist=staff[specialist], at=t
            ),
        ),
        (
            "submit",
            lambda t: services.dossier_submit(
                dossier=d,
                by=staff[specialist],
                at=t,
                findings="Hồ sơ đủ thành phần, thông tin khớp với cơ sở dữ liệu.",
                result_draft="Hồ sơ đủ điều kiện giải quyết.",
            ),
        ),
        ("approve", lambda t: services.dossier_approve(dossier=d, by=staff[keys["leader"]], at=t)),
        (
            "record_result",
            lambda t: services.dossier_record_result(
                dossier=d,
                by=staff[keys["clerk"]],
                at=t,
                result_number=f"{rng.randrange(1, 999)}/KQ",
            ),
        ),
        (
            "return_to_desk",
            lambda t: services.dossier_return_to_desk(dossier=d, by=staff[keys["clerk"]], at=t),
        ),
    ]
    if forwarded:
        plan.append(
            (
                "return_forwarded",
                lambda t: services.dossier_return_forwarded(
                    dossier=d, by=staff[keys["desk"]], at=t
                ),
            )
        )
    plan.append(
        (
            "return_result",
            lambda t: services.dossier_return_result(
                dossier=d,
                by=staff[keys.get("desk_origin", keys["desk"])],
                method=ReturnMethod.COUNTER,
                collected_by=d.applicant_name,
                at=t,
            ),
        )
    )
    for name, run in plan:
        hours = step_hours * (3 if slow else 1)
        nxt = _later(unit, at, rng, max(1, hours // 2), max(1, hours), now)
        if nxt is None:
            return
        at = nxt
        if name == "submit" and rng.random() < 0.08:
            services.dossier_supplement_request(
                dossier=d,
                by=staff[specialist],
                at=at,
                missing="Bản sao giấy chứng nhận quyền sử dụng đất có chứng thực.",
            )
            back = _later(unit, at, rng, 8, 24, now)
            if back is None:
                return
            at = back
            services.dossier_supplement_receive(dossier=d, by=staff[keys["desk"]], at=at)
        d.refresh_from_db()
        if (
            slow
            and name in ("assign", "submit")
            and d.due_at
            and d.stage != Stage.DESK
            and d.status == Status.PROCESSING
            and not hasattr(d, "apology")
            and deadlines.working_days_between(unit, at, d.due_at) >= 1
            and rng.random() < 0.6
        ):
            services.dossier_apologise(
                dossier=d,
                by=staff[keys["leader"]],
                at=at,
                reason="Hồ sơ cần xác minh thêm tại thực địa.",
                new_due_at=deadlines.add_working_time(unit, d.due_at, dt.timedelta(hours=16)),
            )
        run(at)
    d.refresh_from_db()
    if d.status == Status.RETURNED and rng.random() < 0.7:
        level = rng.choices([3, 2, 1], weights=[55, 35, 10])[0]
        services.dossier_rate(dossier=d, level=level, source="counter")
