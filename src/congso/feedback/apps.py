from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "congso.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị và hỏi đáp"
