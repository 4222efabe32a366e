from congso.core.outbox import OutboxWorkerCommand
from congso.dossiers.sync import sync_run


class Command(OutboxWorkerCommand):
    help = "Gửi hồ sơ và tiến độ xử lý lên Cổng Dịch vụ công quốc gia (thử lại khi lỗi)."
    drain = staticmethod(sync_run)
