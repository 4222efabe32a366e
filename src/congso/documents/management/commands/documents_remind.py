from django.core.management.base import BaseCommand

from congso.documents.services import incoming_remind_overdue


class Command(BaseCommand):
    help = "Gửi e-mail nhắc người xử lý các văn bản đến đã quá hạn giải quyết (mỗi văn bản một lần mỗi ngày)."

    def handle(self, *args, **options):
        count = incoming_remind_overdue()
        self.stdout.write(f"Đã nhắc {count} văn bản đến quá hạn.")
