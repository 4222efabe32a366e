"""Messages to applicants about their dossier, queued in the transaction of the change they
report (congso.notify's outbox) and delivered after commit."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.templatetags.congso import vndatetime
from congso.notify.services import notify_queue

from .models import Dossier, Supplement

EVENTS = {"accepted", "supplement", "apology", "result_ready", "payment", "refused"}


def notify_dossier(dossier: Dossier, event: str) -> None:
    """Queue the applicant's message (e-mail and SMS, whichever they gave) about ``event``,
    from the dossier in hand, inside the caller's transaction."""
    if not (dossier.applicant_email or dossier.applicant_phone):
        return
    # Before acceptance an online dossier has only its reference; the lookup answers both.
    ref = dossier.code or dossier.reference or ""
    lookup = f"{settings.PUBLIC_URL}/tra-cuu/?ma={ref}"
    values = {
        "code": ref,
        "name": dossier.procedure_version.name,
        "agency": dossier.agency.name,
        "due": vndatetime(dossier.due_at),
        "url": lookup,
    }
    if event == "accepted":
        subject = _("Hồ sơ %(code)s đã được tiếp nhận") % values
        body = (
            _(
                "%(agency)s đã tiếp nhận hồ sơ %(code)s (%(name)s). Hẹn trả kết quả: %(due)s. "
                "Tra cứu: %(url)s"
            )
            % values
        )
    elif event == "supplement":
        last = dossier.supplements.order_by("-requested_at").first()
        values["missing"] = last.missing if last else ""
        subject = _("Hồ sơ %(code)s cần bổ sung") % values
        body = _("Hồ sơ %(code)s cần bổ sung: %(missing)s. Tra cứu: %(url)s") % values
    elif event == "apology":
        subject = _("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s") % values
        body = (
            _(
                "%(agency)s xin lỗi vì hồ sơ %(code)s chưa có kết quả đúng hẹn. Ngày hẹn mới: "
                "%(due)s."
            )
            % values
        )
    elif event == "payment":
        values["fee"] = f"{dossier.fee_total:,}".replace(",", ".")
        subject = _("Hồ sơ %(code)s: đề nghị nộp phí, lệ phí") % values
        body = _("Hồ sơ %(code)s chờ nộp phí, lệ phí %(fee)s đồng.") % values
    elif event == "refused":
        values["reason"] = dossier.refusal_reason
        subject = _("Hồ sơ %(code)s không được tiếp nhận, giải quyết") % values
        body = (
            _("%(agency)s từ chối hồ sơ %(code)s (%(name)s). Lý do: %(reason)s. Tra cứu: %(url)s")
            % values
        )
    elif event == "result_ready":
        subject = _("Hồ sơ %(code)s đã có kết quả") % values
        body = _("Hồ sơ %(code)s đã có kết quả. Mời ông/bà đến nhận hoặc tra cứu: %(url)s") % values
    else:
        return
    notify_queue(
        event=f"dossier.{event}",
        reference=ref or str(dossier.pk),
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        subject=subject,
        body=body,
    )


def notify_desk_supplement(supplement: Supplement) -> None:
    """Tell the officer who asked for the supplement and the one-stop officers of the receiving
    desk (by e-mail) that the applicant answered it online and the clock runs again; queued in
    the caller's transaction."""
    from congso.org.models import Role, RoleAssignment

    dossier = supplement.dossier
    emails = {supplement.requested_by.user.email}
    emails.update(
        RoleAssignment.objects.filter(
            unit_id=dossier.receiving_unit_id, role=Role.ONESTOP_OFFICER
        ).values_list("staff__user__email", flat=True)
    )
    values = {
        "code": dossier.code or "",
        "name": dossier.procedure_version.name,
        "missing": supplement.missing,
        "due": vndatetime(dossier.due_at),
        "url": f"{settings.PUBLIC_URL}/mot-cua/ho-so/{dossier.code or ''}/",
    }
    subject = _("Hồ sơ %(code)s: người nộp đã bổ sung trực tuyến") % values
    body = (
        _(
            "Người nộp đã gửi giấy tờ bổ sung trực tuyến cho hồ sơ %(code)s (%(name)s), yêu cầu: "
            "%(missing)s. Hồ sơ tiếp tục được tính thời gian; hẹn trả mới: %(due)s. Xem: %(url)s"
        )
        % values
    )
    for email in sorted(e for e in emails if e):
        notify_queue(
            event="dossier.supplement_answered",
            reference=dossier.code or str(dossier.pk),
            email=email,
            subject=subject,
            body=body,
        )
