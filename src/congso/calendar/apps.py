from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "congso.calendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"

    def ready(self) -> None:
        # Connects the cache-invalidation signal handlers.
        from . import services  # noqa: F401
