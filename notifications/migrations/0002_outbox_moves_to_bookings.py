# The outbox model now lives in bookings (bookings.PatientEmail, same table): forget it here, touch no table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("bookings", "0003_patientemail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Reminder")],
            database_operations=[],
        ),
    ]
