"""Demo organisation: Hà Nội → Quận Thanh Xuân (2015), its departments, one-stop desk and 11
wards with their statistics-office codes, and demo staff for every role. Loading twice changes
nothing. Agency e-IDs of the demo follow the QĐ 20/2020 format but are illustrative."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from congso.accounts.models import AccountKind, User

from .models import Role, RoleAssignment, Staff, Unit, UnitKind

DEMO_PASSWORD = "CongSo-Demo-2026"  # noqa: S105 - printed demo password, never a production account

WARDS_2015 = [
    ("00343", "Nhân Chính", True),
    ("00346", "Thượng Đình", False),
    ("00349", "Khương Trung", False),
    ("00352", "Khương Mai", False),
    ("00355", "Thanh Xuân Trung", False),
    ("00358", "Phương Liệt", True),
    ("00361", "Hạ Đình", False),
    ("00364", "Khương Đình", True),
    ("00367", "Thanh Xuân Bắc", False),
    ("00370", "Thanh Xuân Nam", False),
    ("00373", "Kim Giang", False),
]

DEPARTMENTS = [
    ("VP", "Văn phòng HĐND và UBND quận"),
    ("TP", "Phòng Tư pháp"),
    ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("QLĐT", "Phòng Quản lý đô thị"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
    ("NV", "Phòng Nội vụ"),
    ("LĐTBXH", "Phòng Lao động - Thương binh và Xã hội"),
    ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("GDĐT", "Phòng Giáo dục và Đào tạo"),
    ("YT", "Phòng Y tế"),
    ("KT", "Phòng Kinh tế"),
]

# (username, full name, position, unit key, roles)
STAFF = [
    ("quantri", "Quản trị hệ thống", "Quản trị viên", "city", [Role.SYSADMIN]),
    ("lanhdao.tx", "Nguyễn Văn Hùng", "Phó Chủ tịch UBND quận", "district", [Role.UNIT_LEADER]),
    ("motcua.tx", "Trần Thị Mai", "Cán bộ Bộ phận một cửa", "desk", [Role.ONESTOP_OFFICER]),
    ("vanthu.tx", "Lê Thị Hoa", "Văn thư UBND quận", "district", [Role.RECORDS_CLERK]),
    ("truongphong.tp", "Phạm Minh Đức", "Trưởng phòng Tư pháp", "TP", [Role.DEPARTMENT_HEAD]),
    ("chuyenvien.tp", "Vũ Thị Lan", "Chuyên viên Phòng Tư pháp", "TP", [Role.SPECIALIST]),
    (
        "truongphong.qldt",
        "Đỗ Quang Vinh",
        "Trưởng phòng Quản lý đô thị",
        "QLĐT",
        [Role.DEPARTMENT_HEAD],
    ),
    (
        "chuyenvien.qldt",
        "Ngô Thu Trang",
        "Chuyên viên Phòng Quản lý đô thị",
        "QLĐT",
        [Role.SPECIALIST],
    ),
    (
        "truongphong.tnmt",
        "Bùi Văn Nam",
        "Trưởng phòng Tài nguyên và Môi trường",
        "TNMT",
        [Role.DEPARTMENT_HEAD],
    ),
    ("chuyenvien.tnmt", "Hoàng Thị Thu", "Chuyên viên Phòng TN&MT", "TNMT", [Role.SPECIALIST]),
    (
        "truongphong.tckh",
        "Đặng Văn Long",
        "Trưởng phòng Tài chính - Kế hoạch",
        "TCKH",
        [Role.DEPARTMENT_HEAD],
    ),
    ("chuyenvien.tckh", "Phan Thị Ngọc", "Chuyên viên Phòng TC-KH", "TCKH", [Role.SPECIALIST]),
    ("truongphong.ldtbxh", "Lý Văn Tâm", "Trưởng phòng LĐ-TB&XH", "LĐTBXH", [Role.DEPARTMENT_HEAD]),
    ("chuyenvien.ldtbxh", "Tạ Thị Hằng", "Chuyên viên Phòng LĐ-TB&XH", "LĐTBXH", [Role.SPECIALIST]),
    (
        "truongphong.vhtt",
        "Cao Văn Bình",
        "Trưởng phòng Văn hóa và Thông tin",
        "VHTT",
        [Role.DEPARTMENT_HEAD],
    ),
    ("chuyenvien.vhtt", "Mai Thị Yến", "Chuyên viên Phòng VH-TT", "VHTT", [Role.SPECIALIST]),
    (
        "truongphong.vp",
        "Đinh Công Thành",
        "Chánh Văn phòng HĐND và UBND",
        "VP",
        [Role.DEPARTMENT_HEAD],
    ),
    ("bientap.tx", "Trịnh Thu Hà", "Biên tập viên cổng thông tin", "VP", [Role.PORTAL_EDITOR]),
    ("tongbientap.tx", "Lương Văn Khánh", "Trưởng ban biên tập", "VP", [Role.EDITOR_IN_CHIEF]),
    (
        "lanhdao.nc",
        "Nguyễn Thị Bích",
        "Chủ tịch UBND phường Nhân Chính",
        "ward:00343",
        [Role.UNIT_LEADER, Role.DEPARTMENT_HEAD],
    ),
    (
        "motcua.nc",
        "Hà Văn Sơn",
        "Công chức Bộ phận một cửa phường",
        "ward:00343",
        [Role.ONESTOP_OFFICER],
    ),
    (
        "congchuc.nc",
        "Kiều Thị Linh",
        "Công chức Tư pháp - Hộ tịch",
        "ward:00343",
        [Role.SPECIALIST],
    ),
    (
        "vanthu.nc",
        "Tô Thị Nga",
        "Văn thư UBND phường Nhân Chính",
        "ward:00343",
        [Role.RECORDS_CLERK],
    ),
    (
        "lanhdao.km",
        "Lâm Văn Phúc",
        "Chủ tịch UBND phường Khương Mai",
        "ward:00352",
        [Role.UNIT_LEADER, Role.DEPARTMENT_HEAD],
    ),
    (
        "motcua.km",
        "Quách Thị Thảo",
        "Công chức Bộ phận một cửa phường",
        "ward:00352",
        [Role.ONESTOP_OFFICER],
    ),
    (
        "congchuc.km",
        "Dương Văn Toàn",
        "Công chức Địa chính - Xây dựng",
        "ward:00352",
        [Role.SPECIALIST],
    ),
    (
        "vanthu.km",
        "Âu Thị Duyên",
        "Văn thư UBND phường Khương Mai",
        "ward:00352",
        [Role.RECORDS_CLERK],
    ),
]


@dataclass
class DemoOrg:
    city: Unit
    district: Unit
    desk: Unit
    departments: dict[str, Unit]
    wards: dict[str, Unit]
    staff: dict[str, Staff] = field(default_factory=dict)

    def user(self, username: str) -> User:
        return self.staff[username].user


def _unit(*, lookup: dict[str, object], **values: object) -> Unit:
    unit = Unit.objects.filter(**lookup).first()
    if unit is None:
        unit = Unit(**lookup, **values)
        unit.full_clean()
        unit.save()
    return unit


@transaction.atomic
def load_org_demo() -> DemoOrg:
    city = _unit(
        lookup={"stats_code": "01", "kind": UnitKind.PROVINCE},
        name="UBND Thành phố Hà Nội",
        short_name="Hà Nội",
        abbreviation="UBND",
        agency_id="H26",
        address="79 Đinh Tiên Hoàng, Hoàn Kiếm, Hà Nội",
    )
    district = _unit(
        lookup={"stats_code": "009", "kind": UnitKind.DISTRICT},
        parent=city,
        name="UBND quận Thanh Xuân",
        short_name="Thanh Xuân",
        abbreviation="UBND",
        agency_id="H26.09",
        address="9 Khương Đình, Thanh Xuân, Hà Nội",
        phone="024 3858 3489",
        saturday_reception=True,
    )
    desk = _unit(
        lookup={"parent": district, "kind": UnitKind.ONESTOP},
        name="Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân",
        short_name="Một cửa quận",
        abbreviation="MC",
        address="9 Khương Đình, Thanh Xuân, Hà Nội",
        saturday_reception=True,
    )
    departments = {
        abbr: _unit(
            lookup={"parent": district, "kind": UnitKind.DEPARTMENT, "abbreviation": abbr},
            name=name,
            short_name=name.replace("Phòng ", ""),
        )
        for abbr, name in DEPARTMENTS
    }
    wards = {
        code: _unit(
            lookup={"stats_code": code, "kind": UnitKind.WARD},
            parent=district,
            name=f"UBND phường {name}",
            short_name=name,
            abbreviation="UBND",
            agency_id=f"H26.09.{code[2:]}",
            has_farmland=farmland,
            saturday_reception=True,
            address=f"Phường {name}, quận Thanh Xuân, Hà Nội",
        )
        for code, name, farmland in WARDS_2015
    }
    keyed: dict[str, Unit] = {"city": city, "district": district, "desk": desk, **departments}
    keyed.update({f"ward:{c}": u for c, u in wards.items()})
    org = DemoOrg(city, district, desk, departments, wards)
    for username, full_name, position, unit_key, roles in STAFF:
        unit = keyed[unit_key]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                kind=AccountKind.STAFF,
                email=f"{username}@congso.local",
                is_staff=username == "quantri",
                is_superuser=username == "quantri",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        staff, _ = Staff.objects.get_or_create(
            user=user, defaults={"unit": unit, "position": position}
        )
        for role in roles:
            RoleAssignment.objects.get_or_create(staff=staff, unit=unit, role=role)
        org.staff[username] = staff
    return org


def get_org_demo() -> DemoOrg:
    """The demo organisation as already loaded (loads it if missing)."""
    return load_org_demo()


# The 2025 two-tier reform applied to the demo: the district is abolished and its wards merge
# into new wards directly under the city. The grouping is illustrative (the real resolution
# split some old wards between new ones); new wards get no statistics code rather than a
# made-up one.
NEW_WARDS_2025 = [
    ("Thanh Xuân", "H26.360", ["00355", "00367", "00370", "00343"]),
    ("Khương Đình", "H26.361", ["00364", "00361", "00349", "00346"]),
    ("Phương Liệt", "H26.362", ["00358", "00352", "00373"]),
]


@transaction.atomic
def load_two_tier_demo() -> dict[str, Unit]:
    """Apply the 2025 reform to the 2015 demo through the same merge service production uses."""
    from .services import unit_merge

    org = load_org_demo()
    new_wards: dict[str, Unit] = {}
    for name, agency_id, old_codes in NEW_WARDS_2025:
        ward = _unit(
            lookup={"agency_id": agency_id},
            parent=org.city,
            kind=UnitKind.WARD,
            name=f"UBND phường {name}",
            short_name=name,
            abbreviation="UBND",
            saturday_reception=True,
        )
        new_wards[name] = ward
        for code in old_codes:
            old = org.wards[code]
            old.refresh_from_db()
            if old.dissolved_at is None:
                unit_merge(source=old, successor=ward)
    district = Unit.objects.get(pk=org.district.pk)
    if district.dissolved_at is None:
        unit_merge(source=district, successor=org.city)
    return new_wards
