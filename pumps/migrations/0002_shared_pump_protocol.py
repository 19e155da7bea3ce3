"""The shared pump protocol of the domain notes: a continuous subcutaneous episode of 5 days (used mostly for pain),
fitted and removed in a chair with a nurse (about an hour each), reviewed every 24 hours."""

from django.db import migrations


def add(apps, schema_editor):
    PumpProtocol = apps.get_model("pumps", "PumpProtocol")
    PumpProtocol.objects.get_or_create(
        clinic=None, slug="continuous-sc-pump",
        defaults={
            "name": "Continuous subcutaneous pump (5 days)", "indication": "chronic pain", "episode_days": 5,
            "episodes_per_course": 1, "min_days_between_episodes": 7, "fitting_minutes": 60, "review_mode": "visit",
            "review_minutes": 30, "review_needs_chair": True, "phone_review_when_closed": True, "removal_minutes": 60,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("pumps", "PumpProtocol").objects.filter(clinic=None, slug="continuous-sc-pump").delete()


class Migration(migrations.Migration):
    dependencies = [("pumps", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
