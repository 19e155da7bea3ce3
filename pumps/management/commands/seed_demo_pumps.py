"""Give the demo clinic (seed_demo) its pumps: three pumps, the clinic's pump settings, and one episode booked
through pumps.services.booking from the planner's earliest proposal, so the pump board has something to show.

Idempotent: a demo clinic that has pumps already is left as it is; without the demo clinic it does nothing.
`seed_demo` calls it by name (bookings may not import pumps), on every run: a demo loaded before pump courses existed
gets them too.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from bookings.models import Patient
from common.errors import ApplicationError
from pumps.models import Pump, PumpProtocol, PumpSettings
from pumps.selectors.proposals import episode_proposals
from pumps.services.booking import episode_book
from scheduler.models import Clinic

DEMO_SLUG = "demo"
PUMPS = [("Pump 1", "SCP-20431"), ("Pump 2", "SCP-20432"), ("Pump 3", "SCP-20977")]
#: The demo patient who wears a pump (one of seed_demo's patients without an infusion course).
WEARER = ("Victor", "Petrov")


class Command(BaseCommand):
    help = "Give the demo clinic three pumps and one booked pump episode (idempotent)."

    def handle(self, *args, **options):
        clinic = Clinic.objects.filter(slug=DEMO_SLUG).first()
        if clinic is None:
            self.stdout.write("No demo clinic: no pumps loaded.")
            return
        if Pump.objects.filter(clinic=clinic).exists():
            self.stdout.write("The demo clinic has its pumps already; nothing changed.")
            return
        with transaction.atomic():
            PumpSettings.objects.get_or_create(clinic=clinic)
            Pump.objects.bulk_create(Pump(clinic=clinic, label=label, serial_number=serial) for label, serial in PUMPS)
        booked = self._episode(clinic)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(PUMPS)} pumps for {clinic.name}" + (
            f" and booked one episode (fitting {booked:%a %d %b %H:%M})." if booked else ".")))

    def _episode(self, clinic: Clinic):
        patient = Patient.objects.filter(clinic=clinic, first_name=WEARER[0], last_name=WEARER[1]).first()
        protocol = PumpProtocol.objects.offered_at(clinic.pk).order_by("clinic_id", "pk").first()
        if patient is None or protocol is None:
            return None
        proposals = episode_proposals(clinic=clinic, patient=patient, protocol=protocol, alternatives=0)
        if not proposals.episodes:
            self.stdout.write(f"No episode fits yet: {proposals.message}")
            return None
        first = proposals.episodes[0]
        try:
            episode = episode_book(clinic=clinic, patient=patient, protocol=protocol, fitting_start=first.starts_at,
                                   pump=Pump.objects.get(pk=first.pump_id), by=None)
        except ApplicationError as exc:  # another booking took the time meanwhile: the pumps stay, no episode
            self.stdout.write(f"The episode was not booked: {exc.message}")
            return None
        return episode.starts_at.astimezone(clinic.tz)
