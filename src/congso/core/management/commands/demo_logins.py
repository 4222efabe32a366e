from django.conf import settings
from django.core.management.base import BaseCommand

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
        self.stdout.write("")
