from django.core.management.base import BaseCommand, CommandError

from congso.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký kiểm toán và ghi một mốc có chữ ký (số thứ tự, mã băm cuối) ra tệp ngoài cơ sở dữ liệu."

    def handle(self, *args, **options):
        try:
            point = audit_checkpoint()
        except ValueError as exc:
            raise CommandError(f"Không ghi mốc: chuỗi nhật ký không toàn vẹn ({exc}).") from exc
        self.stdout.write(
            f"Đã ghi mốc nhật ký kiểm toán: sự kiện #{point.seq}, mã băm {point.hash[:12]}…."
        )
