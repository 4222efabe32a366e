from pathlib import Path

from django.core.management.base import BaseCommand

from congso.procedures.xlsx import catalogue_export


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục hành chính ra tệp XLSX (bố cục trong docs/procedures.md)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="Đường dẫn tệp .xlsx sẽ ghi ra.")

    def handle(self, *args, file: str, **options):  # type: ignore[no-untyped-def]
        data = catalogue_export(by=None)
        Path(file).write_bytes(data)
        self.stdout.write(f"Đã xuất danh mục thủ tục ra {file}.")
