"""Test helpers for feedback cases: a submission and a received case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from congso.feedback import services
from congso.feedback.models import Case, Channel, Kind
from congso.org.models import Unit

TZ = dt.timezone(dt.timedelta(hours=7))


def local(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def submission(agency: Unit, **kw: Any) -> services.Submission:
    values: dict[str, Any] = {
        "agency": agency,
        "kind": Kind.QUESTION,
        "title": "Hỏi về thời gian cấp bản sao trích lục khai sinh",
        "body": "Tôi muốn hỏi cấp bản sao trích lục khai sinh tại phường mất bao lâu và cần giấy tờ gì?",
        "sender_name": "Nguyễn Thị Bình",
        "sender_phone": "0912345678",
    }
    values.update(kw)
    return services.Submission(**values)


def received_case(agency: Unit, *, at: dt.datetime | None = None, **kw: Any) -> Case:
    """A case submitted on the portal and verified with the code sent (the real path)."""
    case, code = services.case_submit(sub=submission(agency, **kw), channel=Channel.PORTAL, at=at)
    return services.case_verify(reference=case.reference, code=code, at=at)
