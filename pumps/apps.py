from django.apps import AppConfig


class PumpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pumps"
    verbose_name = "Pump courses"
