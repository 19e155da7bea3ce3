"""Load the six protocols of shared/DOMAIN.md as shared templates an admin may edit."""

from django.db import migrations

PROTOCOLS = [
    dict(
        slug="depression-iv", name="Depression induction (IV)", indication="Depression", route="iv",
        session_count=6, chair_minutes=120, first_visit_extra_minutes=30,
        min_gap_hours=40, min_gap_days=2, target_window_days=21, warn_window_days=28,
        notes="2–3 per week, at least 40 h apart (no back-to-back days), aimed within 21 days; warn past 28. "
        "Block: 15 pre-checks + 40 infusion + 60 recovery + 5 turnover.",
    ),
    dict(
        slug="ptsd-iv", name="PTSD induction (IV)", indication="PTSD", route="iv",
        session_count=6, chair_minutes=120, min_gap_hours=40, window_days=14, target_window_days=14,
        notes="Six within 14 days, at least 40 h apart.",
    ),
    dict(
        slug="chronic-pain-iv", name="Chronic pain (IV)", indication="Chronic pain", route="iv",
        session_count=5, chair_minutes=330, min_gap_hours=20, consecutive_weekdays=True, target_window_days=7,
        notes="Consecutive weekdays, at least 20 h apart. 4 h infusion + 1 h recovery + checks.",
    ),
    dict(
        slug="anxiety-sc", name="Anxiety (subcutaneous)", indication="Anxiety", route="sc",
        session_count=4, chair_minutes=90, min_gap_days=6, max_gap_days=8, target_window_days=22,
        notes="Weekly, 6–8 days apart.",
    ),
    dict(
        slug="booster-iv", name="Booster (IV)", indication="Maintenance", route="iv",
        session_count=1, chair_minutes=120, recall_min_days=28, recall_max_days=42, review_after_session=None,
        notes="One session; recall 4–6 weeks after the last session of a course.",
    ),
    dict(
        slug="esketamine-nasal", name="Esketamine (nasal)", indication="Depression", route="nasal",
        session_count=8, chair_minutes=150, min_gap_hours=48, window_days=28, target_window_days=28,
        notes="Twice weekly for 4 weeks, at least 48 h apart; at least 2 h monitored.",
    ),
]


def load(apps, schema_editor):
    Protocol = apps.get_model("scheduler", "Protocol")
    for fields in PROTOCOLS:
        Protocol.objects.update_or_create(clinic=None, slug=fields["slug"], defaults=fields)


def unload(apps, schema_editor):
    apps.get_model("scheduler", "Protocol").objects.filter(
        clinic=None, slug__in=[p["slug"] for p in PROTOCOLS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduler", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
