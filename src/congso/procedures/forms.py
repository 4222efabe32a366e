from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.org.models import Unit

from .models import DurationKind, Field, Level, OnlineLevel
from .selectors import fields_in_use, offering_units, receiving_unit_groups
from .xlsx import IMPORT_MAX_BYTES


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: đăng ký khai sinh")}
        ),
    )
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Tất cả lĩnh vực"),
    )
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"),
        required=False,
        choices=[("", _("Tất cả các cấp")), *Level.choices],
    )
    online_level = forms.ChoiceField(
        label=_("Mức độ trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineLevel.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Nơi tiếp nhận"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Tất cả đơn vị"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = fields_in_use()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = offering_units()  # type: ignore[attr-defined]


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    confirm_field_renames = forms.BooleanField(
        label=_("Tôi đồng ý đổi tên lĩnh vực theo tệp (áp dụng cho mọi thủ tục của lĩnh vực đó)"),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp bảng tính .xlsx (Excel 2007 trở lên)."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(max)s MB).") % {"max": IMPORT_MAX_BYTES // 1024 // 1024}
            )
        return upload


class NationalUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách thủ tục (.csv hoặc .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    units = forms.MultipleChoiceField(
        label=_("Đơn vị tiếp nhận (tùy chọn)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Mỗi đơn vị được đánh dấu nhận các thủ tục đúng cấp của mình: phường, xã nhận "
            "thủ tục cấp xã; quận, huyện nhận thủ tục cấp huyện."
        ),
    )
    default_unit = forms.ChoiceField(
        label=_("Thời hạn chỉ ghi “N ngày” hoặc chỉ có con số được hiểu là"),
        required=False,
        choices=[
            ("", _("(không giả định — đánh dấu để xem lại)")),
            (DurationKind.WORKING_DAYS, _("ngày làm việc")),
            (DurationKind.CALENDAR_DAYS, _("ngày theo lịch")),
        ],
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(max)s MB).") % {"max": IMPORT_MAX_BYTES // 1024 // 1024}
            )
        return upload

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Grouped (district, then its wards) for the template; the choices are what the
        # server accepts: a unit id not in the list is refused with a message.
        self.unit_groups = receiving_unit_groups()
        self.fields["units"].choices = [  # type: ignore[attr-defined]
            (str(u.pk), u.name) for head, wards in self.unit_groups for u in (head, *wards)
        ]
        self.fields["units"].error_messages["invalid_choice"] = _(
            "Đơn vị đã chọn không còn trong danh sách (có thể vừa sáp nhập hoặc giải thể); "
            "hãy tải lại trang và chọn lại."
        )

    def clean_units(self) -> list[int]:
        return sorted({int(pk) for pk in self.cleaned_data["units"]})

    def selected(self) -> set[str]:
        """The ticked ids, to redraw the boxes after a refused upload."""
        if not self.is_bound:
            return set()
        return set(self.data.getlist("units")) if hasattr(self.data, "getlist") else set()


class DraftReviewForm(forms.Form):
    duration_kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            *[(k, v) for k, v in DurationKind.choices if k != DurationKind.UNKNOWN],
        ],
    )
