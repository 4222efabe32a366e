"""Freeze the QĐ 766 counters of a closed period for every agency (run monthly, e.g. on the
1st: ``manage.py index766_record`` records last month, and the quarter and the year when they
end with it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congso.dashboard import periods, services
from congso.org.models import Unit


class Command(BaseCommand):
    help = "Chốt số liệu chỉ số QĐ 766 của một kỳ đã kết thúc cho mọi cơ quan."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--ky", default="", help="2026-03, 2026-Q1 hoặc 2026; mặc định tháng trước"
        )

    def handle(self, *args: Any, ky: str = "", **options: Any) -> None:
        agencies = list(Unit.objects.agencies())
        today = timezone.localdate()
        if ky:
            chosen = [periods.parse(ky)]
        else:
            last = periods.month_of(today.replace(day=1) - dt.timedelta(days=1))
            chosen = [last]
            for kind in ("quarter", "year"):
                code = {"quarter": f"{last.start.year}-Q{(last.start.month - 1) // 3 + 1}"}.get(
                    kind, str(last.start.year)
                )
                p = periods.parse(code)
                if p.end == last.end:
                    chosen.append(p)
        for p in chosen:
            try:
                n = services.index_counters_record(agencies=agencies, period=p)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(f"{p.label}: đã chốt {n} số liệu của {len(agencies)} cơ quan.")
