from django.core.management.base import BaseCommand, CommandError

from congso.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) và các tệp đã tải lên vào một tệp .tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Đường dẫn tệp sao lưu (mặc định var/backups/congso-<thời điểm>.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        try:
            info = backup_create(output)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"Đã sao lưu ({info.engine}, {info.media_files} tệp đính kèm, "
            f"{info.size // 1024} KB) vào {info.path}"
        )
