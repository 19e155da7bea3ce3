"""Who is booked: patients, treatment cycles and infusion sessions, and the services that change them."""
from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Patients and bookings"
