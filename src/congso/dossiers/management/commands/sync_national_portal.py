import time

from django.core.management.base import BaseCommand

from congso.dossiers.sync import sync_run


class Command(BaseCommand):
    help = "Gửi hồ sơ và tiến độ xử lý lên Cổng Dịch vụ công quốc gia (thử lại khi lỗi)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Số việc tối đa mỗi lượt.")
        parser.add_argument("--loop", type=int, default=0,
                            help="Chạy liên tục, nghỉ N giây giữa các lượt (0: chạy một lượt).")

    def handle(self, *args, limit=500, loop=0, **options):
        while True:
            sent, failed = sync_run(limit=limit)
            self.stdout.write(f"Đã gửi {sent}, lỗi {failed}.")
            if not loop:
                return
            time.sleep(loop)
