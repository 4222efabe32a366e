from django.conf import settings
from django.core.management.base import BaseCommand

from congso.accounts.models import User
from congso.accounts.otp import current_code, demo_device, secret_text
from congso.org.demo import DEMO_PASSWORD, STAFF


class Command(BaseCommand):
    help = "In danh sách tài khoản mẫu."

    def handle(self, *args, **options):
        url = settings.PUBLIC_URL
        self.stdout.write("")
        self.stdout.write(f"CongSo đang chạy tại {url}  (đăng nhập: {url}/tai-khoan/dang-nhap/)")
        self.stdout.write(f"Mật khẩu chung của mọi tài khoản mẫu: {DEMO_PASSWORD}")
        for username, full_name, position, _unit, _roles in STAFF:
            self.stdout.write(f"  {username:<20} {full_name} — {position}")
        self.stdout.write("  công dân: congdan@congso.local (nếu đã nạp dịch vụ công trực tuyến)")
        admin = User.objects.filter(username="quantri").first()
        device = demo_device(admin) if admin is not None else None
        if device is not None:
            self.stdout.write("Xác thực hai bước của quantri (bắt buộc cho /quan-tri/):")
            self.stdout.write(f"  khoá cho ứng dụng xác thực: {secret_text(device)}")
            self.stdout.write(
                f"  mã hiện tại: {current_code(device)} (đổi sau 30 giây; chạy lại lệnh "
                "này để lấy mã mới)"
            )
        self.stdout.write("")
