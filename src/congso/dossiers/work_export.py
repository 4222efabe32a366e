"""The work list of a queue or of the officer's home as a workbook (issue #12 §3), written by the
project's one table-workbook writer (core.exports.xlsx_table: user text as text, never as a
formula, ADR 0091) and sent as the register and statistics downloads are
(core.downloads.generated_response)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.downloads import XLSX, generated_response
from congso.core.exports import xlsx_table
from congso.core.templatetags.congso import vndatetime

WIDTHS = [26, 44, 26, 26, 30, 17, 16, 12]


def work_header() -> list[str]:
    return [
        _("Mã hồ sơ"),
        _("Thủ tục"),
        _("Chủ hồ sơ"),
        _("Trạng thái"),
        _("Đang ở"),
        _("Hạn trả"),
        _("Tiến độ"),
        _("Mới bổ sung"),
    ]


def _cells(rows: Iterable[dict[str, Any]]) -> Iterator[Sequence[Any]]:
    progress = {0: _("Quá hạn"), 1: _("Sắp đến hạn"), 2: _("Trong hạn"), 3: ""}
    for row in rows:
        yield [
            row["code"] or _("(chưa cấp mã)"),
            row["procedure"],
            row["applicant"],
            row["status"],
            row["where"],
            vndatetime(row["due_at"]),
            progress.get(row["urgency"], ""),
            _("Có") if row["new_supplement"] else "",
        ]


def work_xlsx(rows: Iterable[dict[str, Any]], title: str, filename: str) -> HttpResponse:
    """Rows of a queue or of the home's work list (``views._queue_rows``) as a workbook."""
    content = xlsx_table(
        sheet="Ho so",
        widths=WIDTHS,
        preamble=[[title], [_("Xuất lúc %(at)s") % {"at": vndatetime(timezone.now())}]],
        header=work_header(),
        rows=_cells(rows),
    )
    return generated_response(content, filename=filename, content_type=XLSX)
