"""Who is booked: patients, treatment cycles and infusion sessions, and the services that change them."""
from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Patients and bookings"

    def ready(self) -> None:
        # The impact of a calendar change (scheduler.impact): scheduler may not import bookings, so bookings
        # registers the functions that read and mark sessions. No database work here.
        from bookings.impact import BookingsImpact
        from scheduler.impact import impact_provider_register

        impact_provider_register(BookingsImpact())
