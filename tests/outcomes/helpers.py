"""What the outcomes tests share: the instruments put back after a flush."""

from __future__ import annotations

from django.apps import apps

from outcomes.models import Instrument


def ensure_instruments() -> None:
    if Instrument.objects.filter(is_current=True).count() < 4:
        import importlib

        importlib.import_module("outcomes.migrations.0002_instruments").load(apps, None)
