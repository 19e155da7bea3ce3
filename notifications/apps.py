"""What patients are told: the reminder outbox, email rendering, calendar files and patient links."""
from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
