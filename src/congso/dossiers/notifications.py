"""Messages to applicants about their dossier, queued in the transaction of the change they
report (congso.notify's outbox) and delivered after commit."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.templatetags.congso import vndatetime
from congso.notify.services import notify_queue

from .models import Channel, Dossier, ReturnMethod, Supplement

EVENTS = {
    "accepted",
    "supplement",
    "apology",
    "result_ready",
    "result_posted",
    "payment",
    "refused",
}

# An online dossier of a procedure offered fully online ("toàn trình", or level 4 of 2015) gets
# its result online; a dossier sent by post gets it back by post; everyone else collects it at
# the desk that received the dossier (ADR 0060).
_FULLY_ONLINE = "full"


def collect_method(channel: int, online_level: str, online_level_2015: int = 0) -> str:
    """How the applicant receives the result (ReturnMethod), from the channel the dossier came
    by and the procedure's online level: the rule the result message and the desk's liên thông
    list follow until the desk records how it was really returned."""
    if channel == Channel.ONLINE and (online_level == _FULLY_ONLINE or online_level_2015 == 4):
        return ReturnMethod.ONLINE
    if channel == Channel.POST:
        return ReturnMethod.POST
    return ReturnMethod.COUNTER


def dossier_collect_method(dossier: Dossier) -> str:
    version = dossier.procedure_version
    return collect_method(dossier.channel, version.online_level, version.online_level_2015)


def result_message_due(dossier: Dossier, action: str) -> bool:
    """Whether ``action`` is the moment to tell the applicant the result is ready: an online
    result as soon as it is issued; a paper one only once it is at the desk where it is handed
    over — the receiving unit, so a liên thông dossier's result waits for its way back from the
    deciding agency (issue #12 §3)."""
    online = dossier_collect_method(dossier) == ReturnMethod.ONLINE
    if action == "record_result":
        return online
    if action in ("return_to_desk", "return_forwarded"):
        return not online and dossier.handling_unit_id == dossier.receiving_unit_id
    return False


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
        values["desk"] = dossier.receiving_unit.name
        values["address"] = dossier.applicant_address
        method = dossier_collect_method(dossier)
        subject = _("Hồ sơ %(code)s đã có kết quả") % values
        if method == ReturnMethod.ONLINE:
            body = (
                _(
                    "Hồ sơ %(code)s (%(name)s) đã có kết quả điện tử. Mời ông/bà tải kết quả tại "
                    "mục Hồ sơ của tôi trên Cổng dịch vụ công hoặc tra cứu: %(url)s"
                )
                % values
            )
        elif method == ReturnMethod.POST:
            body = (
                _(
                    "Hồ sơ %(code)s (%(name)s) đã có kết quả. %(desk)s sẽ gửi kết quả qua bưu chính "
                    "công ích đến địa chỉ %(address)s. Tra cứu: %(url)s"
                )
                % values
            )
        else:
            body = (
                _(
                    "Hồ sơ %(code)s (%(name)s) đã có kết quả tại %(desk)s. Mời ông/bà đến nhận, "
                    "mang theo giấy tiếp nhận và hẹn trả kết quả. Tra cứu: %(url)s"
                )
                % values
            )
    elif event == "result_posted":
        values["address"] = dossier.applicant_address
        subject = _("Hồ sơ %(code)s: kết quả đã gửi qua bưu chính") % values
        body = (
            _("Kết quả hồ sơ %(code)s đã được gửi qua bưu chính công ích đến địa chỉ %(address)s.")
            % values
        )
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
