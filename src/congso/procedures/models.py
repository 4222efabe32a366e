from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.core.uploads import UploadValidator
from congso.org.models import Unit

national_code_validator = RegexValidator(
    r"^[0-9]\.[0-9]{6}$", _("Mã thủ tục theo CSDL quốc gia có dạng d.dddddd (ví dụ 1.004227).")
)


FORM_FIELD_TYPES = ("text", "date", "number", "select", "textarea", "checkbox")


def validate_form_schema(value: object) -> None:
    """An e-form is a list of fields {"name", "label", "type", "required", "choices"}; see
    docs/procedures.md. Names are identifiers because they become keys of submitted data."""
    if not isinstance(value, list):
        raise ValidationError(
            _("Biểu mẫu điện tử phải là một danh sách các trường."), code="form_schema"
        )
    seen: set[str] = set()
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValidationError(
                _("Trường thứ %(n)s của biểu mẫu điện tử không hợp lệ.") % {"n": i},
                code="form_schema",
            )
        name = item.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,49}", name):
            raise ValidationError(
                _("Trường thứ %(n)s: tên (name) chỉ gồm chữ thường không dấu, số và dấu gạch dưới.")
                % {"n": i},
                code="form_schema",
            )
        if name in seen:
            raise ValidationError(
                _("Tên trường %(name)s bị trùng.") % {"name": name}, code="form_schema"
            )
        seen.add(name)
        if not isinstance(item.get("label"), str) or not item["label"].strip():
            raise ValidationError(
                _("Trường %(name)s: thiếu nhãn (label).") % {"name": name}, code="form_schema"
            )
        if item.get("type") not in FORM_FIELD_TYPES:
            raise ValidationError(
                _("Trường %(name)s: kiểu (type) phải là một trong %(types)s.")
                % {"name": name, "types": ", ".join(FORM_FIELD_TYPES)},
                code="form_schema",
            )
        if not isinstance(item.get("required", False), bool):
            raise ValidationError(
                _("Trường %(name)s: required phải là true hoặc false.") % {"name": name},
                code="form_schema",
            )
        choices = item.get("choices")
        if item["type"] == "select" and (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c for c in choices)
        ):
            raise ValidationError(
                _("Trường %(name)s: kiểu select cần danh sách lựa chọn (choices).")
                % {"name": name},
                code="form_schema",
            )
        unknown = set(item) - {"name", "label", "type", "required", "choices", "help"}
        if unknown:
            raise ValidationError(
                _("Trường %(name)s: thuộc tính không hỗ trợ %(keys)s.")
                % {"name": name, "keys": ", ".join(sorted(unknown))},
                code="form_schema",
            )


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    WARD = "ward", _("Cấp xã")


class DurationKind(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    SAME_DAY = "same_day", _("trong ngày")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    # Read from a national text that gave a number without its unit; never publishable.
    UNKNOWN = "unknown", _("(chưa rõ đơn vị)")


class OnlineLevel(models.TextChoices):
    """Since NĐ 42/2022: a procedure is offered fully online, partly online, or not online."""

    NONE = "none", _("Chưa cung cấp trực tuyến")
    PARTIAL = "partial", _("Một phần")
    FULL = "full", _("Toàn trình")


class Field(models.Model):
    """Lĩnh vực: civil status, land, construction..."""

    code = models.SlugField(
        _("mã lĩnh vực"),
        max_length=50,
        unique=True,
        error_messages={
            "invalid": _(
                "Mã lĩnh vực chỉ gồm chữ thường không dấu, chữ số, dấu gạch ngang hoặc gạch dưới "
                "(ví dụ ho-tich)."
            ),
            "unique": _("Mã lĩnh vực này đã có."),
        },
    )
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (TTHC). Its published content lives in versions."""

    national_code = models.CharField(
        _("mã TTHC quốc gia"),
        max_length=10,
        blank=True,
        validators=[national_code_validator],
        db_index=True,
    )
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=120,
        unique=True,
        error_messages={
            "invalid": _(
                "Khóa (đường dẫn) chỉ gồm chữ thường không dấu, chữ số, dấu gạch ngang hoặc gạch dưới "
                "(ví dụ dang-ky-khai-sinh)."
            ),
            "unique": _("Khóa (đường dẫn) này đã dùng cho thủ tục khác."),
        },
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices)
    # Every level the procedure is offered at ("ward,district"), ``level`` being the first.
    levels = models.CharField(_("các cấp thực hiện"), max_length=40, blank=True, default="")
    # The province's symbol as published (1.003583.000.00.00.H37); its prefix is national_code.
    local_code = models.CharField(
        _("ký hiệu thủ tục của tỉnh"), max_length=40, blank=True, default=""
    )
    # Folded name + code for diacritic-insensitive search (congso.search.ranking.procedure_search_text).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~models.Q(national_code=""),
                name="procedures_national_code_unique",
                violation_error_message=_("Mã TTHC quốc gia này đã dùng cho thủ tục khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        from congso.search.ranking import procedure_search_text

        self.search_text = procedure_search_text(self.name, self.national_code, self.local_code)
        if not self.levels:
            self.levels = self.level
        super().save(*args, **kwargs)

    @property
    def level_list(self) -> list[str]:
        return [x for x in (self.levels or self.level).split(",") if x]

    @property
    def current_version(self) -> ProcedureVersion | None:
        """The version in force, when a selector prefetched it as ``current_versions``."""
        prefetched = getattr(self, "current_versions", None)
        return prefetched[0] if prefetched else None


class ProcedureVersion(models.Model):
    """One published version of a procedure. A dossier keeps the version it was received
    under; a new version never alters an old one (published versions are not edited)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    is_published = models.BooleanField(_("đã công bố"), default=False)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    steps = LimitedTextField(_("trình tự thực hiện"), blank=True, max_length=limits.CATALOGUE)
    via_counter = models.BooleanField(_("nộp trực tiếp"), default=True)
    via_post = models.BooleanField(_("nộp qua bưu chính"), default=True)
    via_online = models.BooleanField(_("nộp trực tuyến"), default=False)
    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    duration = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    duration_kind = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=DurationKind.choices,
        default=DurationKind.WORKING_DAYS,
    )
    duration_note = LimitedTextField(_("ghi chú thời hạn"), blank=True, max_length=limits.CATALOGUE)
    # Things a person must look at before publishing ([{"code", "message"}], docs/procedures.md
    # "Flags"); emptied by version_confirm_flags.
    review_flags = models.JSONField(_("cần xem lại"), default=list, blank=True)
    applicants = LimitedTextField(_("đối tượng thực hiện"), blank=True, max_length=limits.CATALOGUE)
    implementing_agency = LimitedTextField(
        _("cơ quan thực hiện"), blank=True, max_length=limits.CATALOGUE
    )
    result = LimitedTextField(_("kết quả thực hiện"), blank=True, max_length=limits.CATALOGUE)
    fee_note = LimitedTextField(_("phí, lệ phí (mô tả)"), blank=True, max_length=limits.CATALOGUE)
    conditions = LimitedTextField(_("yêu cầu, điều kiện"), blank=True, max_length=limits.CATALOGUE)
    legal_basis = LimitedTextField(_("căn cứ pháp lý"), blank=True, max_length=limits.CATALOGUE)
    online_level_2015 = models.PositiveSmallIntegerField(
        _("mức độ DVC (NĐ 43/2011)"), choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")], default=2
    )
    online_level = models.CharField(
        _("mức độ trực tuyến (NĐ 42/2022)"),
        max_length=8,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    supplement_once = models.BooleanField(_("chỉ yêu cầu bổ sung một lần"), default=True)
    # E-form fields for online submission, as data: [{"name", "label", "type", "required", ...}]
    form_schema = models.JSONField(
        _("biểu mẫu điện tử"), default=list, blank=True, validators=[validate_form_schema]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedures_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def duration_display(self) -> str:
        """ "15 ngày làm việc", "0,5 ngày làm việc", "Trong ngày" — as catalogues print it."""
        if self.duration_kind == DurationKind.SAME_DAY:
            return str(_("Trong ngày"))
        if self.duration_kind == DurationKind.UNKNOWN:
            return self.duration_note or str(_("(chưa rõ)"))
        number = Decimal(self.duration).normalize()
        text = format(number, "f").replace(".", ",")
        return f"{text} {self.get_duration_kind_display()}"


class RequiredPaper(models.Model):
    """Thành phần hồ sơ: a paper the applicant brings, with its form and counts."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = LimitedTextField(_("tên giấy tờ"), max_length=limits.CATALOGUE_SHORT)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=200, blank=True)
    # Uploaded in /quan-tri/: through the project's one upload validator (ADR 0100, 0109).
    form_file = models.FileField(
        _("tệp mẫu"),
        upload_to="procedures/forms/",
        blank=True,
        validators=[UploadValidator(kinds=("pdf", "docx"))],
    )
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices, default=Kind.CHARGE)
    name = models.CharField(_("tên khoản thu"), max_length=300)
    amount = models.PositiveIntegerField(_("số tiền (đồng)"))
    note = LimitedTextField(_("ghi chú"), blank=True, max_length=limits.CATALOGUE_SHORT)
    # "trang", "bản", "trường hợp", "hợp đồng": the amount is per that unit (empty: per dossier).
    per_unit = models.CharField(_("tính theo"), max_length=60, blank=True, default="")
    # A tier: from which unit on this rate applies ("từ trang thứ 3 trở lên" → 3).
    from_unit = models.PositiveSmallIntegerField(_("từ đơn vị thứ"), null=True, blank=True)
    # The most charged for one unit of the tiers ("tối đa không quá 200.000 đồng/bản").
    max_amount = models.PositiveIntegerField(_("mức thu tối đa (đồng)"), null=True, blank=True)
    # A conditional row ("đối với … không đúng hạn"): the officer picks the row that applies at
    # intake; conditional rows are never added together (VersionContent.fee_total).
    condition = LimitedTextField(
        _("áp dụng khi"), blank=True, default="", max_length=limits.CATALOGUE_SHORT
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"

    @property
    def is_fixed(self) -> bool:
        """A flat amount due on every dossier (neither conditional nor per unit)."""
        return not self.condition and not self.per_unit


class StepActor(models.TextChoices):
    ONESTOP = "onestop", _("Bộ phận một cửa")
    DEPARTMENT_HEAD = "department_head", _("Lãnh đạo phòng chuyên môn")
    SPECIALIST = "specialist", _("Chuyên viên thụ lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo UBND")
    RECORDS_CLERK = "records_clerk", _("Văn thư")
    # Any other agency in a liên thông chain — the district for a ward procedure, or the
    # applicant's ward for a district one; ``department`` names which (ADR 0021).
    UPPER_AGENCY = "upper_agency", _("Cơ quan liên thông")


class InternalStep(models.Model):
    """Quy trình nội bộ: one step with its actor and time budget. Budgets add up to the
    version's total duration (checked by procedures.services)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="internal_steps"
    )
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("nội dung công việc"), max_length=300)
    actor = models.CharField(_("người thực hiện"), max_length=20, choices=StepActor.choices)
    # The department (by its abbreviation, e.g. "TP" Tư pháp) when the actor is a department.
    department = models.CharField(_("phòng chuyên môn"), max_length=20, blank=True)
    budget = models.DecimalField(
        _("thời gian"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    form_name = models.CharField(_("biểu mẫu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bước quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="procedures_step_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class UnitProcedure(models.Model):
    """Which unit receives which procedure (a ward with farmland offers more)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="offered_procedures")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="offered_by")
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục của đơn vị")
        verbose_name_plural = _("thủ tục của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "procedure"], name="procedures_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.procedure}"
