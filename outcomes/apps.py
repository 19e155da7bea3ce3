from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        # A function registered, no database work: bookings' start transition asks it (bookings/services/gates.py).
        from bookings.services.gates import gate_register, review_judge_register
        from outcomes.gates import review_needed, urgent_flag_gate

        gate_register("start", urgent_flag_gate)
        review_judge_register(review_needed)
