from congso.core.outbox import DrainCommand
from congso.notify.services import notify_deliver


class Command(DrainCommand):
    help = "Gửi thư điện tử và SMS đang chờ trong hộp thư đi (thử lại khi lỗi)."
    drain = staticmethod(notify_deliver)
