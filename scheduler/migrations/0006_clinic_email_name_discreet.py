# The email name may not hold a treatment word (validator), and existing clinics get one.
#
# A clinic whose own name says nothing of a treatment (by the deny-list) keeps showing it: patients go on
# recognising the sender. A clinic whose name names one is left empty, so its patients read "the clinic"
# until an admin chooses a discreet name; its own name is never copied.

import scheduler.models
from django.db import migrations, models

from common.treatment_words import treatment_words_in_name


def name_clinics(apps, schema_editor):
    Clinic = apps.get_model("scheduler", "Clinic")
    for clinic in Clinic.objects.filter(email_name="").only("pk", "name"):
        name = " ".join(clinic.name.split())[:120]
        if name and not treatment_words_in_name(name):
            Clinic.objects.filter(pk=clinic.pk, email_name="").update(email_name=name)


class Migration(migrations.Migration):

    dependencies = [
        ('scheduler', '0005_clinic_email_name_two_factor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='clinic',
            name='email_name',
            field=models.CharField(blank=True, help_text="The name patients see in emails, calendar entries and the pages behind email links: sender, subject, calendar title and organiser. It may not contain a treatment, drug, dose or diagnosis word. Empty: they read “the clinic”, never the clinic's own name.", max_length=120, validators=[scheduler.models.validate_email_name]),
        ),
        # Going back keeps the names: the field stays, only its check goes.
        migrations.RunPython(name_clinics, migrations.RunPython.noop, elidable=True),
    ]
