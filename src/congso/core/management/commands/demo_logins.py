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
        self._portal(url)
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

    def _portal(self, url: str) -> None:
        """The portal's editorial board (issue 15), if the portal is installed and loaded."""
        try:
            from congso.portal.demo import PORTAL_STAFF
            from congso.portal.models import HomePage
        except ImportError:
            return
        homes = list(HomePage.objects.live().order_by("path").values_list("title", "url_path"))
        if not homes:
            return
        self.stdout.write(f"Cổng thông tin: {url}/cong/<trang>/ — biên tập tại {url}/bien-tap/")
        for title, url_path in homes:
            self.stdout.write(f"  {title:<20} {url}/cong{url_path}")
        self.stdout.write("Ban biên tập (biên tập viên gửi duyệt, trưởng ban duyệt và xuất bản):")
        self.stdout.write("  bientap.tx           Trịnh Thu Hà — biên tập viên, cổng quận")
        self.stdout.write("  tongbientap.tx       Lương Văn Khánh — trưởng ban biên tập, cổng quận")
        for username, full_name, position, _code, _role in PORTAL_STAFF:
            self.stdout.write(f"  {username:<20} {full_name} — {position}")
