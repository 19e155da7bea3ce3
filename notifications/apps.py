"""What patients are told: the reminder outbox, email rendering, calendar files and patient links."""
from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the deployment check of SITE_URL (no database is touched).
        from notifications import checks  # noqa: F401
