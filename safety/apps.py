from django.apps import AppConfig


class SafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safety"
    verbose_name = "Safety checks"

    def ready(self) -> None:
        # Functions registered, no database work: bookings asks them before a session starts or completes.
        from bookings.services.gates import gate_register
        from safety.gates import complete_gate, start_gate

        gate_register("start", start_gate)
        gate_register("complete", complete_gate)
