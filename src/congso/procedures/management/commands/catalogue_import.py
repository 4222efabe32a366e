from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congso.procedures.xlsx import CatalogueImportError, catalogue_import


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục hành chính từ tệp XLSX. Tệp có lỗi thì không nhập gì "
        "và liệt kê từng dòng, cột sai."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="Tệp .xlsx theo bố cục trong docs/procedures.md.")

    def handle(self, *args, file: str, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = catalogue_import(path.read_bytes(), by=None)
        except CatalogueImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp có {len(exc.errors)} lỗi; chưa nhập dữ liệu nào.")
        self.stdout.write(result.summary())
