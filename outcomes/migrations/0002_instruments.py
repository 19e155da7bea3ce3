"""Load the published instruments (outcomes/instrument_data.py) and the instruments the shared protocols ask for."""

from django.db import migrations

from outcomes.instrument_data import INSTRUMENTS, PROTOCOL_DEFAULTS


def load(apps, schema_editor):
    Instrument = apps.get_model("outcomes", "Instrument")
    ProtocolInstrument = apps.get_model("outcomes", "ProtocolInstrument")
    Protocol = apps.get_model("scheduler", "Protocol")
    for data in INSTRUMENTS:
        Instrument.objects.update_or_create(
            code=data["code"], version=data["version"],
            defaults={
                "name": data["name"], "preamble": data["preamble"], "items": data["items"], "scale": data["scale"],
                "bands": data["bands"], "remission_below": data["remission_below"],
                "urgent_items": data["urgent_items"], "is_current": True,
            },
        )
    for protocol in Protocol.objects.filter(clinic=None, slug__in=list(PROTOCOL_DEFAULTS)):
        for code in PROTOCOL_DEFAULTS[protocol.slug]:
            ProtocolInstrument.objects.get_or_create(protocol=protocol, instrument_code=code)


def unload(apps, schema_editor):
    apps.get_model("outcomes", "ProtocolInstrument").objects.all().delete()
    apps.get_model("outcomes", "Instrument").objects.filter(measures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_measures"),
        ("scheduler", "0002_default_protocols"),
    ]

    operations = [migrations.RunPython(load, unload)]
