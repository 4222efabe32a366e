from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import AccountKind

from .accounts import classify_login
from .models import identity_number_validator, tax_code_validator


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Đăng ký cho"),
        initial=AccountKind.CITIZEN,
        widget=forms.RadioSelect,
        choices=[
            (AccountKind.CITIZEN, _("Cá nhân")),
            (AccountKind.ORGANISATION, _("Tổ chức, doanh nghiệp")),
        ],
    )
    full_name = forms.CharField(
        label=_("Họ và tên (người đại diện với tổ chức)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    login = forms.CharField(
        label=_("E-mail hoặc số điện thoại di động"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    identity_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=12,
        required=False,
        validators=[identity_number_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"), max_length=300, required=False
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=13,
        required=False,
        validators=[tax_code_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 12 ký tự, không toàn chữ số, không quá phổ biến."),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_login(self) -> str:
        return classify_login(self.cleaned_data["login"])[1]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        if data.get("kind") == AccountKind.ORGANISATION:
            if not data.get("tax_code"):
                self.add_error("tax_code", _("Tổ chức, doanh nghiệp phải có mã số thuế."))
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Nhập tên tổ chức, doanh nghiệp."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResetRequestForm(forms.Form):
    login = forms.CharField(label=_("E-mail hoặc số điện thoại đã đăng ký"), max_length=254)

    def clean_login(self) -> str:
        return classify_login(self.cleaned_data["login"])[1]


class ResetConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


def password_errors(password: str) -> list[str]:
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        return list(exc.messages)
    return []


class ApplicantForm(forms.Form):
    """Who the dossier is for (chủ hồ sơ), prefilled from the account."""

    name = forms.CharField(label=_("Chủ hồ sơ (họ tên hoặc tên tổ chức)"), max_length=200)
    id_number = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), max_length=14)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, organisation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if organisation:
            self.fields["id_number"].label = _("Mã số thuế")
            self.fields["id_number"].validators.append(tax_code_validator)
        else:
            self.fields["id_number"].validators.append(identity_number_validator)
