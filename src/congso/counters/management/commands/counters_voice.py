"""Generate the board's voice clips once with espeak-ng (issue 18, ADR 0144)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.counters import voice


class Command(BaseCommand):
    help = "Tạo các đoạn âm thanh gọi số (espeak-ng, giọng tiếng Việt) cho bảng hiển thị."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Tạo lại cả các đoạn đã có.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = voice.generate(force=options["force"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã tạo {len(written)} đoạn âm thanh trong {voice.voice_dir()} "
            f"({len(voice.ALL_CLIPS)} đoạn cần có)."
        )
