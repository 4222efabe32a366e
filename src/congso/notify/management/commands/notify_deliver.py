import time

from django.core.management.base import BaseCommand

from congso.notify.services import notify_deliver


class Command(BaseCommand):
    help = "Gửi thư điện tử và SMS đang chờ trong hộp thư đi (thử lại khi lỗi)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Số tin tối đa mỗi lượt.")
        parser.add_argument("--loop", type=int, default=0,
                            help="Chạy liên tục, nghỉ N giây giữa các lượt (0: chạy một lượt).")

    def handle(self, *args, limit=500, loop=0, **options):
        while True:
            sent, failed = notify_deliver(limit=limit)
            self.stdout.write(f"Đã gửi {sent}, lỗi {failed}.")
            if not loop:
                return
            time.sleep(loop)
