from django.core.management.base import BaseCommand, CommandError

from congso.core.backup import BackupError, backup_restore
from congso.org.selectors import roles_changed


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp đã tải lên từ một tệp sao lưu (thay thế dữ liệu hiện có)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại.")

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            answer = input(
                "Khôi phục sẽ THAY THẾ toàn bộ dữ liệu hiện có. Gõ 'dong y' để tiếp tục: "
            )
            if answer.strip().lower() not in ("dong y", "đồng ý"):
                raise CommandError("Đã huỷ.")
        try:
            info = backup_restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc))
        # What the shared cache derived from the old organisation (roles, desks) no longer holds.
        roles_changed()
        self.stdout.write(
            f"Đã khôi phục từ {info.path} ({info.engine}, {info.media_files} tệp đính kèm)."
        )
