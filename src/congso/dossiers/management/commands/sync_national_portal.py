from congso.core.outbox import DrainCommand
from congso.dossiers.sync import sync_run


class Command(DrainCommand):
    help = "Gửi hồ sơ và tiến độ xử lý lên Cổng Dịch vụ công quốc gia (thử lại khi lỗi)."
    drain = staticmethod(sync_run)
