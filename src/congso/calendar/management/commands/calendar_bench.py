"""Measure due_at: ``manage.py calendar_bench [--calls 10000]`` (used for docs/calendar.md)."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from congso.calendar.services import LOCAL_TZ, calendar_batch, calendar_cache_clear, due_at
from congso.org.models import Unit

KINDS = ["working_days", "working_days", "working_hours", "calendar_days", "same_day"]


class Command(BaseCommand):
    help = "Đo thời gian tính hạn (due_at) trên các đơn vị có sẵn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--calls", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, calls: int = 10_000, seed: int = 1, **options: Any) -> None:
        units = list(Unit.objects.all()[:50]) or [Unit.objects.create(kind="ward", name="Bench")]
        rng = random.Random(seed)
        base = dt.datetime(2025, 1, 1, tzinfo=LOCAL_TZ)
        jobs = [
            (
                rng.choice(units),
                base + dt.timedelta(minutes=rng.randrange(60 * 24 * 730)),
                Decimal(rng.randrange(0, 121)) / 4,
                rng.choice(KINDS),
            )
            for _ in range(calls)
        ]

        calendar_cache_clear()
        started = time.perf_counter()
        due_at(*jobs[0])
        cold = time.perf_counter() - started
        started = time.perf_counter()
        for unit in units:
            due_at(unit, base, 1, "working_days")
        warm_units = time.perf_counter() - started

        started = time.perf_counter()
        for job in jobs:
            due_at(*job)
        plain = time.perf_counter() - started

        started = time.perf_counter()
        with calendar_batch():
            for job in jobs:
                due_at(*job)
        batch = time.perf_counter() - started

        self.stdout.write(f"{len(units)} đơn vị, {calls} lần gọi")
        self.stdout.write(f"lần gọi đầu tiên của tiến trình: {cold * 1000:.1f} ms")
        self.stdout.write(f"dựng lịch mỗi đơn vị: {warm_units / len(units) * 1000:.2f} ms")
        self.stdout.write(f"mỗi lần gọi, đọc token mỗi lần: {plain / calls * 1e6:.1f} µs")
        self.stdout.write(
            f"mỗi lần gọi, trong calendar_batch / một request: {batch / calls * 1e6:.1f} µs"
        )
