"""The signer's own page: set or change the signing PIN (ADR 0076)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from congso.accounts.models import AccountKind, User

from .models import SignerPin
from .pins import max_attempts, signer_pin_set

_PIN_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "8", "pattern": "[0-9]*"}


class PinForm(forms.Form):
    current_pin = forms.CharField(
        label=_("Mã PIN hiện tại"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs=_PIN_ATTRS),
    )
    pin = forms.CharField(
        label=_("Mã PIN mới (6–8 chữ số)"), strip=True, widget=forms.PasswordInput(attrs=_PIN_ATTRS)
    )
    pin2 = forms.CharField(
        label=_("Nhập lại mã PIN mới"), strip=True, widget=forms.PasswordInput(attrs=_PIN_ATTRS)
    )

    def __init__(self, *args: object, has_pin: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not has_pin:
            del self.fields["current_pin"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("pin") and data.get("pin2") and data["pin"] != data["pin2"]:
            self.add_error("pin2", _("Hai mã PIN không khớp."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def pin_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.kind != AccountKind.STAFF:
        raise PermissionDenied
    row = SignerPin.objects.filter(user=user).first()
    form = PinForm(request.POST or None, has_pin=row is not None)
    if request.method == "POST" and form.is_valid():
        try:
            signer_pin_set(
                user=user,
                pin=form.cleaned_data["pin"],
                current_pin=form.cleaned_data.get("current_pin", ""),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(
                    "current_pin" if "current_pin" in form.fields else None, exc.messages
                )
        else:
            messages.success(request, _g("Đã lưu mã PIN ký số."))
            return redirect("signing:pin")
    return render(
        request,
        "signing/pin.html",
        {"form": form, "row": row, "attempts": max_attempts()},
        status=400 if form.errors else 200,
    )
