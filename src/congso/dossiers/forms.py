"""Forms of the one-stop pages (intake at the counter)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.procedures.models import ProcedureVersion

from .models import IDENTITY_RE, TAX_CODE_RE, ApplicantKind, Channel

DECISIONS = [("accept", _("Tiếp nhận hồ sơ (cấp giấy hẹn)")),
             ("complete", _("Yêu cầu bổ sung, hoàn thiện (mẫu 02)")),
             ("refuse", _("Từ chối tiếp nhận (mẫu 03)"))]


class IntakeForm(forms.Form):
    applicant_kind = forms.ChoiceField(label=_("Chủ hồ sơ là"), choices=ApplicantKind.choices,
                                       initial=ApplicantKind.INDIVIDUAL)
    applicant_name = forms.CharField(label=_("Họ tên / tên tổ chức"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số CCCD (12 số) / mã số thuế"), max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    applicant_phone = forms.RegexField(label=_("Điện thoại"), regex=r"^[0-9 +.]{8,15}$", required=False,
                                       error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
                                       widget=forms.TextInput(attrs={"type": "tel"}))
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False,
                                       error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")})
    proxy_name = forms.CharField(label=_("Người nộp thay (nếu có)"), max_length=200, required=False)
    proxy_id_number = forms.CharField(label=_("Số CCCD người nộp thay"), max_length=12, required=False)
    request_summary = forms.CharField(label=_("Nội dung yêu cầu"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    channel = forms.TypedChoiceField(label=_("Hình thức nộp"), coerce=int, initial=Channel.COUNTER,
                                     choices=[(Channel.COUNTER, Channel.COUNTER.label),
                                              (Channel.POST, Channel.POST.label)])
    decision = forms.ChoiceField(label=_("Quyết định"), choices=DECISIONS, initial="accept",
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Lý do từ chối / nội dung cần bổ sung"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version: ProcedureVersion, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.version = version
        self.paper_rows = []
        for paper in version.papers.all():
            o = forms.IntegerField(label=_("Bản chính"), min_value=0, max_value=50, initial=0, required=False,
                                   widget=forms.NumberInput(attrs={"aria-label": _(
                                       "Số bản chính: %(paper)s") % {"paper": paper.name}}))
            c = forms.IntegerField(label=_("Bản sao"), min_value=0, max_value=50, initial=0, required=False,
                                   widget=forms.NumberInput(attrs={"aria-label": _(
                                       "Số bản sao: %(paper)s") % {"paper": paper.name}}))
            self.fields[f"paper_{paper.pk}_o"] = o
            self.fields[f"paper_{paper.pk}_c"] = c
            self.paper_rows.append((paper, self[f"paper_{paper.pk}_o"], self[f"paper_{paper.pk}_c"]))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        kind, number = data.get("applicant_kind"), (data.get("applicant_id_number") or "").strip()
        if kind == ApplicantKind.INDIVIDUAL and number and not IDENTITY_RE.match(number):
            self.add_error("applicant_id_number", _("Số định danh cá nhân (CCCD) gồm đúng 12 chữ số."))
        if kind == ApplicantKind.ORGANISATION and number and not TAX_CODE_RE.match(number):
            self.add_error("applicant_id_number", _("Mã số thuế gồm 10 hoặc 13 chữ số."))
        if data.get("proxy_name") and not IDENTITY_RE.match(data.get("proxy_id_number") or ""):
            self.add_error("proxy_id_number", _("Số CCCD người nộp thay gồm đúng 12 chữ số."))
        if data.get("decision") in ("refuse", "complete") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Cần ghi rõ lý do từ chối hoặc nội dung cần bổ sung."))
        if data.get("decision") == "accept":
            missing = [p.name for p, o, c in self.paper_rows
                       if p.required and not ((data.get(o.name) or 0) + (data.get(c.name) or 0))]
            if missing:
                raise ValidationError(_("Chưa nhận đủ giấy tờ bắt buộc: %(papers)s. Hãy chọn “Yêu cầu bổ "
                                        "sung, hoàn thiện”.") % {"papers": "; ".join(missing)})
        return data

    def papers(self) -> list[tuple[object, int, int]]:
        return [(p, self.cleaned_data.get(o.name) or 0, self.cleaned_data.get(c.name) or 0)
                for p, o, c in self.paper_rows]
