"""Forms of the documents pages (Vietnamese labels; services do the real validation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.org.models import Role, RoleAssignment, Unit

from .models import (
    Channel,
    DocumentKind,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Secrecy,
    Series,
    Urgency,
    WorkFile,
    WorkFileState,
)
from .selectors import reply_choices

User = get_user_model()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def leaders_of(agency: Unit) -> Any:
    ids = RoleAssignment.objects.filter(unit=agency, role=Role.UNIT_LEADER).values("staff__user_id")
    return User.objects.filter(pk__in=ids).order_by("full_name")


def staff_users_of(agency: Unit) -> Any:
    units = agency.subtree().values("pk")
    return User.objects.filter(staff__unit__in=units, staff__is_active=True).order_by("full_name")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        staff = getattr(obj, "staff", None)
        return (
            f"{obj.get_full_name()} — {staff.position}"
            if staff and staff.position
            else obj.get_full_name()
        )


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return UserChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class IncomingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=limits.SEARCH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("trích yếu, số ký hiệu, nơi gửi…")}
        ),
    )
    kind = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentKind.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *IncomingStatus.choices]
    )
    sender = forms.CharField(label=_("Nơi gửi"), required=False, max_length=limits.SEARCH)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    overdue = forms.BooleanField(label=_("Chỉ văn bản quá hạn"), required=False)


class OutgoingFilterForm(IncomingFilterForm):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *OutgoingStatus.choices]
    )
    sender = forms.CharField(label=_("Đơn vị soạn thảo"), required=False, max_length=limits.SEARCH)
    overdue = None  # type: ignore[assignment]


class IncomingRegisterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Cơ quan nhận"), queryset=Unit.objects.none())
    received_at = forms.DateTimeField(
        label=_("Ngày giờ đến"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Để trống: thời điểm hiện tại."),
    )
    sender_name = forms.CharField(label=_("Nơi gửi (tác giả)"), max_length=300)
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    document_date = forms.DateField(label=_("Ngày văn bản"), required=False, widget=DateInput())
    kind = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentKind.objects.all(), required=False
    )
    abstract = limits.text_field(
        limits.ABSTRACT, label=_("Trích yếu nội dung"), widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(
        label=_("Độ mật"),
        choices=Secrecy.choices,
        initial=Secrecy.NORMAL,
        help_text=_("Văn bản mật được vào sổ riêng và chỉ người có tên được xem."),
    )
    channel = forms.ChoiceField(
        label=_("Hình thức"), choices=Channel.choices, initial=Channel.PAPER
    )
    page_count = forms.IntegerField(label=_("Số trang"), min_value=1, max_value=5000, initial=1)
    due_date = forms.DateField(
        label=_("Hạn trả lời (nếu văn bản yêu cầu)"), required=False, widget=DateInput()
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
    scans = MultipleFileField(label=_("Bản quét / tệp văn bản (PDF, ảnh)"), required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["unit"].initial = agencies.first()


class EdxmlImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Cơ quan nhận"), queryset=Unit.objects.none())
    package = forms.FileField(label=_("Gói edXML (.xml)"))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["unit"].initial = agencies.first()


class PresentForm(forms.Form):
    leader = UserChoiceField(label=_("Trình lãnh đạo"), queryset=User.objects.none())

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_of(agency)  # type: ignore[attr-defined]


class DirectForm(forms.Form):
    instruction = limits.text_field(
        limits.INSTRUCTION, label=_("Ý kiến chỉ đạo"), widget=forms.Textarea(attrs={"rows": 3})
    )
    receiver = UserChoiceField(
        label=_("Người nhận xử lý"), queryset=User.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), required=False
    )
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị phối hợp"), queryset=Unit.objects.none(), required=False
    )
    deadline_days = forms.IntegerField(
        label=_("Thời hạn (ngày làm việc)"), min_value=1, max_value=365, required=False
    )

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = agency.subtree().active()
        self.fields["receiver"].queryset = staff_users_of(agency)  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["supporting_units"].queryset = units  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = limits.text_field(limits.NOTE, label=_("Nội dung"))


class CompleteForm(forms.Form):
    text = limits.text_field(limits.NOTE, label=_("Kết quả xử lý"))
    reply = forms.ModelChoiceField(
        label=_("Văn bản trả lời"), queryset=OutgoingDocument.objects.none(), required=False
    )

    def __init__(self, *args: Any, agency: Unit, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only documents the user may see: the choices print number and abstract.
        self.fields["reply"].queryset = reply_choices(user, agency)  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class RecallAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Trả lời"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Đồng ý thu hồi (15)")), ("0", _("Từ chối thu hồi (16)"))],
    )
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class FileIntoForm(forms.Form):
    work_file = forms.ModelChoiceField(label=_("Đưa vào hồ sơ"), queryset=WorkFile.objects.none())

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_file"].queryset = WorkFile.objects.filter(  # type: ignore[attr-defined]
            unit=agency, state=WorkFileState.OPEN
        )


class OutgoingDraftForm(forms.Form):
    drafting_unit = forms.ModelChoiceField(
        label=_("Đơn vị soạn thảo"), queryset=Unit.objects.none()
    )
    kind = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentKind.objects.all())
    abstract = limits.text_field(
        limits.ABSTRACT, label=_("Trích yếu nội dung"), widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    signer = UserChoiceField(label=_("Người ký"), queryset=User.objects.none())
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False)
    reviewers = UserMultipleChoiceField(
        label=_("Người duyệt (theo thứ tự danh sách)"), queryset=User.objects.none(), required=False
    )
    draft = forms.FileField(label=_("Tệp dự thảo (DOCX hoặc PDF)"))
    due_date = forms.DateField(label=_("Hạn trả lời"), required=False, widget=DateInput())
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, max_value=1000, initial=1)
    keeping_unit = forms.CharField(
        label=_("Đơn vị, người nhận bản lưu"), max_length=200, required=False
    )

    def __init__(self, *args: Any, units: Any, agency: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drafting_unit"].queryset = units  # type: ignore[attr-defined]
        if agency is not None:
            self.fields["signer"].queryset = leaders_of(agency)  # type: ignore[attr-defined]
            self.fields["reviewers"].queryset = staff_users_of(agency)  # type: ignore[attr-defined]


class SignForm(forms.Form):
    pdf = forms.FileField(
        label=_("Bản PDF cuối cùng (bắt buộc nếu dự thảo là DOCX)"), required=False
    )
    pin = forms.CharField(
        label=_("Mã PIN ký số"),
        strip=True,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "8"}
        ),
    )


class IssueForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Nơi nhận trong hệ thống"), queryset=Unit.objects.none(), required=False
    )
    external = forms.CharField(
        label=_("Nơi nhận bên ngoài (mỗi dòng: tên | mã định danh)"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Sở Tư pháp Hà Nội | G01.30"}),
        help_text=_("Mã định danh theo QĐ 20/2020/QĐ-TTg (ví dụ G01.30) hoặc dạng 000.00.31.H56."),
    )
    outside = forms.CharField(
        label=_("Nơi nhận ngoài trục liên thông (gửi bản giấy, thư điện tử; mỗi dòng một nơi)"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Công ty TNHH An Bình"}),
    )

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.active().agencies().exclude(pk=agency.pk)  # type: ignore[attr-defined]

    def external_recipients(self) -> list[tuple[str, str]]:
        result = []
        for line in (self.cleaned_data.get("external") or "").splitlines():
            if line.strip():
                name, _sep, organ = line.partition("|")
                result.append((name.strip(), organ.strip()))
        return result

    def outside_recipients(self) -> list[str]:
        """Names of recipients outside the exchange, one a line (a "| code" part is kept)."""
        return [
            line.strip()
            for line in (self.cleaned_data.get("outside") or "").splitlines()
            if line.strip()
        ]


class WorkFileForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Unit.objects.none())
    year = forms.IntegerField(
        label=_("Năm"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    code = forms.CharField(label=_("Số, ký hiệu hồ sơ"), max_length=50)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=300)
    retention_years = forms.IntegerField(
        label=_("Thời hạn bảo quản (năm)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Để trống: vĩnh viễn."),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["unit"].initial = agencies.first()


class DossierIntoFileForm(forms.Form):
    dossier_code = forms.CharField(label=_("Mã hồ sơ một cửa"), max_length=60)
    title = forms.CharField(label=_("Tên hồ sơ"), max_length=300, required=False)


REGISTER_CHOICES = [
    ("den", _("Sổ đăng ký văn bản đến")),
    ("di", _("Sổ đăng ký văn bản đi")),
    ("theo-doi", _("Sổ theo dõi giải quyết văn bản đến")),
]


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sổ"), choices=REGISTER_CHOICES)
    unit = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Unit.objects.none())
    date_from = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    date_to = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    series = forms.ChoiceField(label=_("Loại sổ"), choices=Series.choices, initial=Series.NORMAL)
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("html", _("Xem trên trang")), ("pdf", "PDF"), ("xlsx", "XLSX")],
        initial="html",
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agencies  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["date_from"].initial = dt.date(today.year, 1, 1)
        self.fields["date_to"].initial = today
        if agencies.count() == 1:
            self.fields["unit"].initial = agencies.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and a > b:
            raise forms.ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
        if a and b and (b - a).days > 366:
            raise forms.ValidationError(_("Mỗi lần in sổ tối đa một năm."))
        return data
