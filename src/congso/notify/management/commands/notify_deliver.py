from congso.core.outbox import OutboxWorkerCommand
from congso.notify.services import notify_deliver


class Command(OutboxWorkerCommand):
    help = "Gửi thư điện tử và SMS đang chờ trong hộp thư đi (thử lại khi lỗi)."
    drain = staticmethod(notify_deliver)
