# The outbox of patient emails moves from notifications (model Reminder) to bookings (model PatientEmail):
# the rows belong to the booking transaction. The table, its constraints and indexes stay as they are; only
# Django's state moves, with the content type (so audit entries and permissions keep pointing at the rows).

import django.db.models.deletion
from django.db import migrations, models

_ACTIONS = ("add", "change", "delete", "view")


def _move_content_type(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new[0], model=new[1]).exists():
        return
    moved = ContentType.objects.using(db).filter(app_label=old[0], model=old[1]).update(app_label=new[0], model=new[1])
    if moved:
        for action in _ACTIONS:
            Permission.objects.using(db).filter(
                content_type__app_label=new[0], content_type__model=new[1], codename=f"{action}_{old[1]}"
            ).update(codename=f"{action}_{new[1]}")


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, ("notifications", "reminder"), ("bookings", "patientemail"))


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, ("bookings", "patientemail"), ("notifications", "reminder"))


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0002_patient_requests"),
        ("notifications", "0001_initial"),
        ("scheduler", "0003_clinic_patient_emails"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PatientEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=30)),
                        ("session_version", models.PositiveIntegerField(help_text="The session's version when this row was written.")),
                        ("session_starts_at", models.DateTimeField(help_text="The session's start when this row was written.")),
                        ("due_at", models.DateTimeField(help_text="When it is meant to go (UTC), quiet hours applied.")),
                        ("send_after", models.DateTimeField(help_text="Not before this: the due time, or the next retry.")),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled"), ("skipped", "Skipped")], default="pending", max_length=10)),
                        ("status_reason", models.CharField(blank=True, help_text="Why it was skipped or cancelled.", max_length=200)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("message_id", models.CharField(blank=True, max_length=200)),
                        ("resends", models.PositiveSmallIntegerField(default=0, help_text="How many times staff sent it again.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="emails", to="scheduler.clinic")),
                        ("cycle", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="emails", to="bookings.treatmentcycle")),
                        ("patient", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="emails", to="bookings.patient")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="emails", to="bookings.infusionsession")),
                    ],
                    options={
                        "db_table": "notifications_reminder",
                        "ordering": ["due_at", "pk"],
                        "indexes": [
                            models.Index(condition=models.Q(("status", "pending")), fields=["send_after"], name="reminder_due_pending"),
                            models.Index(condition=models.Q(("status", "sending")), fields=["claimed_at"], name="reminder_claimed"),
                            models.Index(fields=["clinic", "status", "due_at"], name="notificatio_clinic__117dfc_idx"),
                            models.Index(fields=["session", "kind"], name="notificatio_session_a5cf79_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("session", "kind", "session_version"), name="reminder_once_per_version"),
                            models.CheckConstraint(condition=models.Q(models.Q(("status", "sent"), _negated=True), ("sent_at__isnull", False), _connector="OR"), name="reminder_sent_has_time"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
        migrations.AddField(
            model_name="patientemail",
            name="previous_starts_at",
            field=models.DateTimeField(blank=True, help_text="For a move notice: the session's start before the move.", null=True),
        ),
    ]
