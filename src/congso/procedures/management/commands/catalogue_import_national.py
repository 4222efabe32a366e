from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congso.procedures.national import NationalImportError, national_import


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục theo các cột của CSDL quốc gia về TTHC (tệp .csv hoặc .xlsx). "
        "Có lỗi thì không ghi gì và liệt kê mọi lỗi; --dry-run chỉ báo trước kết quả."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "file",
            help="Tệp .csv hoặc .xlsx (cột như docs/procedures.md, mục nhập từ CSDL quốc gia).",
        )
        parser.add_argument(
            "--units",
            nargs="*",
            default=[],
            help="Mã đơn vị (mã định danh hoặc mã TCTK) tiếp nhận các thủ tục đúng cấp của đơn vị.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ chạy thử, không ghi gì.")
        parser.add_argument(
            "--on-duplicate",
            choices=["first", "last"],
            default="first",
            help="Mã trùng với nội dung khác nhau: giữ dòng đầu (first) hoặc dòng cuối (last).",
        )
        parser.add_argument(
            "--default-unit",
            choices=["working_days", "calendar_days"],
            default="",
            help="Đơn vị cho thời hạn chỉ ghi “N ngày” hoặc chỉ có con số.",
        )

    def handle(
        self,
        *args,
        file: str,
        units: list[str],
        dry_run: bool,
        on_duplicate: str,  # type: ignore[no-untyped-def]
        default_unit: str,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            report = national_import(
                path.read_bytes(),
                filename=path.name,
                by=None,
                units=units,
                default_unit=default_unit,
                on_duplicate=on_duplicate,
                dry_run=dry_run,
            )
        except NationalImportError as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError("Không đọc được tệp; chưa nhập dữ liệu nào.") from exc
        for column in report.ignored_columns:
            self.stdout.write(f"Bỏ qua cột: {column}")
        for note in report.notes:
            self.stdout.write(note)
        for entry in report.entries:
            if entry.action == "unchanged" and not entry.flags and not entry.missing:
                continue
            line = f"Dòng {entry.line}: {entry.action_label} — {entry.code or '(không mã)'} {entry.name}"
            self.stdout.write(line)
            for label, old, new in entry.diff:
                self.stdout.write(f"    {label}: «{old[:80]}» → «{new[:80]}»")
            for flag in entry.flags:
                self.stdout.write(f"    Cần xem lại: {flag['message']}")
            for missing in entry.missing:
                self.stdout.write(f"    Cần bổ sung: {missing}")
            if entry.awaiting_approval:
                self.stdout.write("    Chờ duyệt: bản đang áp dụng giữ nguyên đến khi duyệt.")
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"Tệp có {len(report.errors)} lỗi; chưa nhập dữ liệu nào.")
