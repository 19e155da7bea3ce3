"""The load test's database: several clinics as bench.planner builds its own, desk accounts, and each stage's plan
(which desk works at which clinic, for which patients and sessions)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from bench.planner.clinic import SHAPES, TZ, window_days
from bench.planner.database import clinic_tables, store
from bench.planner.generate import ClinicPlan, generate

#: Days of history before tomorrow per clinic: enough for past courses on the patient pages, few enough to build fast.
HISTORY_DAYS = 42
USERNAME = "desk{:03d}"


def build(*, clinics: int, desks: int, password: str, seed: int, today: date) -> dict:
    """Store `clinics` clinics (about 80 % booked over the next 90 days) and `desks` front-desk accounts, a desk
    per clinic in turn; returns what the desks need: clinics, protocols, counts."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bookings.management.commands.seed_demo import Command as SeedDemo
    from bookings.models import InfusionSession, Patient
    from scheduler.models import Clinic, Protocol

    first, last = window_days(today)
    plans = []
    for k in range(clinics):
        plan = ClinicPlan(f"Load clinic {k + 1}", f"bench-load-{k + 1}")
        generate(plan, random.Random(seed * 1000 + k), first - timedelta(days=HISTORY_DAYS), last, today)
        plans.append(plan)
    now = datetime.now(UTC)
    store(clinic_tables(plan, today, now) for plan in plans)
    stored = list(Clinic.objects.filter(slug__startswith="bench-load-").order_by("pk"))
    groups = SeedDemo()._groups()
    hashed = make_password(password)  # once: the same password for every desk, hashed as a sign-in checks it
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=USERNAME.format(i + 1), password=hashed, is_staff=True, first_name="Desk", last_name=f"{i + 1}")
        for i in range(desks)
    )
    groups["front_desk"].user_set.add(*users)
    for i, user in enumerate(users):
        stored[i % len(stored)].staff.add(user)
    protocols = {p.slug: p.pk for p in Protocol.objects.filter(clinic=None, slug__in=[s.slug for s in SHAPES])}
    return {
        "clinics": [c.pk for c in stored], "protocols": protocols,
        "patients": Patient.objects.filter(clinic__in=stored).count(),
        "sessions": InfusionSession.objects.filter(clinic__in=stored).count(),
    }


def stage_plan(*, desks: int, clinic_ids: list[int], protocols: dict[str, int], today: date) -> list[dict]:
    """Per desk of a stage: its clinic, its share of the clinic's patients (a desk cancels and moves only its own
    patients' sessions, so two desks never act on one session; they still race for the same free slots), their
    upcoming sessions, and the days its day board shows."""
    from django.utils import timezone

    from bookings.models import InfusionSession, Patient

    per_clinic: dict[int, list[int]] = {c: [] for c in clinic_ids}
    for i in range(desks):
        per_clinic[clinic_ids[i % len(clinic_ids)]].append(i)
    first, _ = window_days(today)
    days = [first + timedelta(days=d) for d in range(28) if (first + timedelta(days=d)).weekday() < 5]
    soon = timezone.now() + timedelta(days=2)  # not tomorrow's: a late cancel is a different story
    plan: list[dict] = [{} for _ in range(desks)]
    for clinic_id, members in per_clinic.items():
        if not members:
            continue
        patients = list(Patient.objects.filter(clinic_id=clinic_id).order_by("pk").values_list("pk", "first_name", "last_name"))
        upcoming: dict[int, list[int]] = {}
        for pk, patient_id in (InfusionSession.objects.filter(clinic_id=clinic_id, status__in=("booked", "confirmed"),
                                                              starts_at__gte=soon)
                               .order_by("starts_at").values_list("pk", "patient_id")):
            upcoming.setdefault(patient_id, []).append(pk)
        for rank, desk in enumerate(members):
            mine = patients[rank::len(members)]
            plan[desk] = {
                "username": USERNAME.format(desk + 1), "clinic": clinic_id,
                # The protocols in the mix new courses come in (bench.planner's shapes).
                "protocols": [[protocols[s.slug], s.weight] for s in SHAPES if s.slug in protocols],
                "patients": [p for p, _, _ in mine],
                "searches": [f"{first_name} {last_name}" for _, first_name, last_name in mine[:40]],
                "sessions": [s for p, _, _ in mine for s in upcoming.get(p, [])][:300],
                "days": [d.isoformat() for d in days],
            }
    return plan


def today_local() -> date:
    return datetime.now(TZ).date()
