from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# QĐ 20/2020/QĐ-TTg: up to 35 characters of A-Z, 0-9 and ".", dot-separated groups read left
# to right, the first group a letter and two digits. QCVN 102:2016 codes look like
# 000.00.31.H56 (13 characters); both are accepted because live systems still carry the old ones.
# ASCII only: \d also matches ０-９, ٠-٩ … (issue #11, finding 13).
AGENCY_ID_NEW = re.compile(r"^[A-Z][0-9]{2}(\.[A-Z0-9]+)*$")
AGENCY_ID_OLD = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")


def validate_agency_id(value: str) -> None:
    if len(value) > 35 or not (AGENCY_ID_NEW.match(value) or AGENCY_ID_OLD.match(value)):
        raise ValidationError(
            _(
                "Mã định danh không hợp lệ: tối đa 35 ký tự A-Z, 0-9 và dấu chấm, nhóm đầu gồm "
                "một chữ cái và hai chữ số (ví dụ H26.09) hoặc dạng 000.00.31.H56."
            ),
            code="agency_id",
        )


def validate_stats_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", value):
        raise ValidationError(
            _("Mã đơn vị hành chính gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số."), code="stats_code"
        )


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Quận, huyện")
    WARD = "ward", _("Phường, xã")
    DEPARTMENT = "department", _("Phòng chuyên môn")
    ONESTOP = "onestop", _("Bộ phận một cửa / Trung tâm phục vụ hành chính công")
    SCHOOL = "school", _("Trường học")
    OTHER = "other", _("Đơn vị khác")


# Kinds that are an administration of their own (an agency): they issue dossier codes and
# number their documents. Departments and desks act on behalf of the agency above them.
AGENCY_KINDS = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.SCHOOL}


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(dissolved_at__isnull=True)

    def agencies(self) -> UnitQuerySet:
        return self.filter(kind__in=AGENCY_KINDS)


class Unit(models.Model):
    """A node of the organisation tree: a province, district, ward, department, desk, school."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("loại đơn vị"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    # Abbreviation used in document symbols ("UBND", "VP", "TP").
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=20, blank=True)
    stats_code = models.CharField(
        _("mã đơn vị hành chính (TCTK)"),
        max_length=5,
        blank=True,
        validators=[validate_stats_code],
        db_index=True,
    )
    agency_id = models.CharField(
        _("mã định danh"), max_length=35, blank=True, validators=[validate_agency_id], db_index=True
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    morning_start = models.TimeField(_("sáng bắt đầu"), default=dt.time(8, 0))
    morning_end = models.TimeField(_("sáng kết thúc"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=dt.time(13, 0))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=dt.time(17, 0))
    # Hà Nội QĐ 58/2010: units receive and return dossiers on Saturday morning.
    saturday_reception = models.BooleanField(_("tiếp nhận sáng thứ Bảy"), default=False)
    saturday_start = models.TimeField(_("sáng thứ Bảy bắt đầu"), default=dt.time(8, 0))
    saturday_end = models.TimeField(_("sáng thứ Bảy kết thúc"), default=dt.time(12, 0))
    saturday_counts = models.BooleanField(
        _("tính sáng thứ Bảy vào thời hạn"),
        default=False,
        help_text=_(
            "Nếu bật, giờ tiếp nhận sáng thứ Bảy được tính là thời gian làm việc khi tính hạn."
        ),
    )
    # Hour after which a received dossier counts from the next working day (DOMAIN §4).
    intake_cutoff = models.TimeField(_("giờ tiếp nhận tính sang ngày sau"), default=dt.time(15, 0))
    has_farmland = models.BooleanField(_("còn đất nông nghiệp"), default=False)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    dissolved_at = models.DateTimeField(_("thời điểm giải thể / sáp nhập"), null=True, blank=True)
    # Materialised path of primary keys ("/1/4/17/") for cheap subtree queries.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id"],
                condition=~models.Q(agency_id=""),
                name="org_unit_agency_id_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.dissolved_at and self.successor is not None:
            return f"{self.name} (nay là {self.successor.name})"
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if new_path != self.path:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old:
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old) :]
                    Unit.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def is_agency(self) -> bool:
        return self.kind in AGENCY_KINDS

    @property
    def is_active(self) -> bool:
        return self.dissolved_at is None

    def agency(self) -> Unit:
        """The agency this unit belongs to: itself, or the nearest agency above it."""
        unit: Unit | None = self
        while unit is not None and not unit.is_agency:
            unit = unit.parent
        return unit or self

    def current(self) -> Unit:
        """Follow the successor chain of merged units to the one that exists today."""
        unit = self
        seen = {unit.pk}
        while unit.successor_id and unit.successor_id not in seen:
            unit = unit.successor  # type: ignore[assignment]
            seen.add(unit.pk)
        return unit

    def subtree(self) -> UnitQuerySet:
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class UnitName(models.Model):
    """Former names of a unit, so history stays readable under the name it had then."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(max_length=200)
    valid_until = models.DateTimeField()

    class Meta:
        ordering = ["-valid_until"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ONESTOP_OFFICER = "onestop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên thụ lý")
    DEPARTMENT_HEAD = "department_head", _("Trưởng phòng")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo UBND")
    RECORDS_CLERK = "records_clerk", _("Văn thư")
    PORTAL_EDITOR = "portal_editor", _("Biên tập viên")
    EDITOR_IN_CHIEF = "editor_in_chief", _("Trưởng ban biên tập")
    SYSADMIN = "sysadmin", _("Quản trị hệ thống")


class Staff(models.Model):
    """An officer: an account, a home unit and a position. Roles are granted per unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("tài khoản"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("đơn vị công tác")
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    is_active = models.BooleanField(_("đang công tác"), default=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["unit__path", "user__full_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return self.user.get_full_name()


class RoleAssignment(models.Model):
    """A role a staff member holds in one unit (and the units below it)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit", "role"], name="org_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.get_role_display()} — {self.unit}"
