from django.apps import AppConfig


class PumpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pumps"
    verbose_name = "Pump courses"

    def ready(self) -> None:
        # Wiring only (no database): bookings' checks and planners then see what pumps hold.
        from bookings.selectors.occupancy import busy_provider_register
        from pumps.busy import pump_busy

        busy_provider_register(pump_busy)
