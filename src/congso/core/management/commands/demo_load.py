from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each domain that has demo data provides ``<app>.demo.load(variant)``, in this order.
DEMO_MODULES = [
    "congso.calendar.demo",
    "congso.procedures.demo",
    "congso.dossiers.demo",
    "congso.eservices.demo",
    "congso.documents.demo",
    "congso.portal.demo",
    "congso.counters.demo",
    "congso.dashboard.demo",
    "congso.feedback.demo",
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu quận Thanh Xuân (chạy lại không tạo bản trùng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--variant",
            choices=["2015", "two-tier"],
            default="2015",
            help="2015: quận Thanh Xuân 3 cấp; two-tier: mô hình 2 cấp từ 07/2025.",
        )

    def handle(self, *args, variant="2015", **options):
        from congso.org.demo import load_org_demo, load_two_tier_demo

        # Demo data creates the superuser ``quantri`` with a published password: never in production.
        if settings.PRODUCTION:
            raise CommandError(
                "Không nạp dữ liệu mẫu trên máy chủ chính thức (CONGSO_PRODUCTION đang bật): "
                "dữ liệu mẫu tạo tài khoản quản trị với mật khẩu công khai."
            )
        org = load_org_demo()
        self.stdout.write("Đã nạp tổ chức: Hà Nội → Thanh Xuân → 11 phường, cán bộ mẫu.")
        from congso.accounts.otp import demo_enrol

        # The demo administrator needs a second factor; its secret is printed by demo_logins.
        demo_enrol(org.user("quantri"))
        for module_name in DEMO_MODULES:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            message = module.load(variant)
            if message:
                self.stdout.write(message)
        if variant == "two-tier":
            load_two_tier_demo()
            self.stdout.write(
                "Đã áp dụng mô hình chính quyền 2 cấp (sáp nhập phường, bỏ cấp quận)."
            )
