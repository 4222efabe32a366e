import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congso.api.api import api

DEFAULT = Path(__file__).resolve().parents[5] / "openapi.json"


class Command(BaseCommand):
    help = "Ghi lược đồ OpenAPI ra openapi.json (--check: báo lỗi nếu tệp đã commit khác)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT))
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, **options):
        schema = api.get_openapi_schema(path_prefix="/api/v1")
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        path = Path(options["output"])
        if options["check"]:
            if not path.exists() or path.read_text() != text:
                raise CommandError("openapi.json đã cũ: chạy `make openapi` rồi commit.")
            self.stdout.write("openapi.json khớp với mã nguồn.")
            return
        path.write_text(text)
        self.stdout.write(f"Đã ghi {path}")
