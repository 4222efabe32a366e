from django.core.management.base import BaseCommand, CommandError

from congso.audit.services import audit_verify


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký kiểm toán; nêu mắt xích hỏng đầu tiên."

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Chuỗi nhật ký toàn vẹn: {report.checked} sự kiện.")
            return
        raise CommandError(
            f"Chuỗi nhật ký bị phá vỡ tại sự kiện #{report.broken_seq} "
            f"({report.reason}); {report.checked} sự kiện trước đó hợp lệ."
        )
