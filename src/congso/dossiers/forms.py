"""Forms of the one-stop pages (intake at the counter)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.procedures.models import ProcedureVersion

from .identity import FEMALE, MALE, CccdCard, birth_date_problem, identity_problem, parse_cccd_qr
from .models import TAX_CODE_RE, ApplicantKind, Channel

DECISIONS = [
    ("accept", _("Tiếp nhận hồ sơ (cấp giấy hẹn)")),
    ("complete", _("Yêu cầu bổ sung, hoàn thiện (mẫu 02)")),
    ("refuse", _("Từ chối tiếp nhận (mẫu 03)")),
]


class IntakeForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label=_("Chủ hồ sơ là"), choices=ApplicantKind.choices, initial=ApplicantKind.INDIVIDUAL
    )
    # The officer starts typing the name at once (or scans the CCCD's QR code into it).
    applicant_name = forms.CharField(
        label=_("Họ tên / tên tổ chức"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    applicant_id_number = forms.CharField(
        label=_("Số CCCD (12 số) / mã số thuế"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày sinh không hợp lệ.")},
    )
    # Only checked against the century/sex digit of the number, not kept.
    applicant_sex = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        choices=[("", "—"), (MALE, _("Nam")), (FEMALE, _("Nữ"))],
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    applicant_phone = forms.RegexField(
        label=_("Điện thoại"),
        regex=r"^[0-9 +.]{8,15}$",
        required=False,
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    proxy_name = forms.CharField(label=_("Người nộp thay (nếu có)"), max_length=200, required=False)
    proxy_id_number = forms.CharField(
        label=_("Số CCCD người nộp thay"), max_length=12, required=False
    )
    request_summary = limits.text_field(limits.SUMMARY, label=_("Nội dung yêu cầu"), required=False)
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        coerce=int,
        initial=Channel.COUNTER,
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
    )
    decision = forms.ChoiceField(
        label=_("Quyết định"), choices=DECISIONS, initial="accept", widget=forms.RadioSelect
    )
    reason = limits.text_field(
        limits.MISSING, label=_("Lý do từ chối / nội dung cần bổ sung"), required=False
    )

    def __init__(self, *args, version: ProcedureVersion, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.version = version
        self.paper_rows = []
        for paper in version.papers.all():
            # A required paper is usually handed in as one original (issue #12 §4).
            o = forms.IntegerField(
                label=_("Bản chính"),
                min_value=0,
                max_value=50,
                initial=1 if paper.required else 0,
                required=False,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Số bản chính: %(paper)s") % {"paper": paper.name}}
                ),
            )
            c = forms.IntegerField(
                label=_("Bản sao"),
                min_value=0,
                max_value=50,
                initial=0,
                required=False,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Số bản sao: %(paper)s") % {"paper": paper.name}}
                ),
            )
            self.fields[f"paper_{paper.pk}_o"] = o
            self.fields[f"paper_{paper.pk}_c"] = c
            self.paper_rows.append(
                (paper, self[f"paper_{paper.pk}_o"], self[f"paper_{paper.pk}_c"])
            )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        kind, number = data.get("applicant_kind"), (data.get("applicant_id_number") or "").strip()
        birth = data.get("applicant_birth_date")
        problem = birth_date_problem(birth)
        if problem:
            self.add_error("applicant_birth_date", problem)
            birth = None
        if kind == ApplicantKind.INDIVIDUAL and number:
            problem = identity_problem(
                number, birth_date=birth, sex=data.get("applicant_sex") or ""
            )
            if problem:
                self.add_error("applicant_id_number", problem)
        if kind == ApplicantKind.ORGANISATION and number and not TAX_CODE_RE.match(number):
            self.add_error("applicant_id_number", _("Mã số thuế gồm 10 hoặc 13 chữ số."))
        if data.get("proxy_name") or data.get("proxy_id_number"):
            problem = identity_problem(data.get("proxy_id_number") or "")
            if problem:
                self.add_error("proxy_id_number", problem)
        if (
            data.get("decision") in ("refuse", "complete")
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Cần ghi rõ lý do từ chối hoặc nội dung cần bổ sung."))
        if data.get("decision") == "accept":
            missing = [
                p.name
                for p, o, c in self.paper_rows
                if p.required and not ((data.get(o.name) or 0) + (data.get(c.name) or 0))
            ]
            if missing:
                raise ValidationError(
                    _(
                        "Chưa nhận đủ giấy tờ bắt buộc: %(papers)s. Hãy chọn “Yêu cầu bổ "
                        "sung, hoàn thiện”."
                    )
                    % {"papers": "; ".join(missing)}
                )
        return data

    def papers(self) -> list[tuple[object, int, int]]:
        return [
            (p, self.cleaned_data.get(o.name) or 0, self.cleaned_data.get(c.name) or 0)
            for p, o, c in self.paper_rows
        ]


# Fields a scanned CCCD line fills (the rest of the form is left as the officer typed it).
QR_FIELDS = (
    "applicant_kind",
    "applicant_id_number",
    "applicant_name",
    "applicant_birth_date",
    "applicant_sex",
    "applicant_address",
)


def read_cccd_line(data: Any) -> tuple[Any, CccdCard | None]:
    """Find a CCCD QR line typed into any text field of a submitted intake form (a scanner
    with the page's script off, or before it loaded) and return the data with the line taken
    out of that field and the applicant's fields filled from the card, plus the card; the data
    unchanged and None when no field holds one. The view then shows the form again instead of
    deciding on it."""
    for key, value in data.items():
        if not isinstance(value, str) or "|" not in value:
            continue
        start = _QR_START.search(value)
        card = parse_cccd_qr(value[start.start() :]) if start else None
        if card is None:
            continue
        out = data.copy()
        out[key] = value[: start.start()].strip()  # type: ignore[union-attr]
        values = {
            "applicant_kind": ApplicantKind.INDIVIDUAL,
            "applicant_id_number": card.id_number,
            "applicant_name": card.name,
            "applicant_address": card.address,
            "applicant_birth_date": card.birth_date.isoformat() if card.birth_date else "",
            "applicant_sex": card.sex,
        }
        for name in QR_FIELDS:
            out[name] = values[name]
        return out, card
    return data, None


_QR_START = re.compile(r"[0-9]{12}\|")
