"""Where and when care can happen: clinics, chairs, staff, hours, protocols, and the planning rules."""
from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = "Clinic set-up"
