"""Fields of the clinic configuration's serializers: ids among the user's clinics, instants in clinic time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import serializers

from common.access import scope_to_user_clinics
from common.fields import LocalOrInstantMixin, local_or_instant
from common.serializers import StrictPrimaryKeyRelatedField
from scheduler import planning
from scheduler.models import Clinic


class InUserClinicsField(StrictPrimaryKeyRelatedField):
    """The id of a row of the requesting user's clinics (any row for a superuser).

    `clinic_lookup` is the path from the row to its clinic ("pk" for a clinic itself).
    """

    def __init__(self, *, clinic_lookup: str = "clinic", noun: str = "object", **kwargs):
        self.clinic_lookup = clinic_lookup
        kwargs.setdefault(
            "error_messages", {"does_not_exist": f"{noun} {{pk_value}} does not exist or is not in one of your clinics."}
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        assert queryset is not None  # every InUserClinicsField is given its queryset
        user = getattr(self.context.get("request"), "user", None)
        return scope_to_user_clinics(queryset, user, field=self.clinic_lookup)


def clinic_field(**kwargs) -> InUserClinicsField:
    kwargs.setdefault("help_text", "Id of the clinic (one of yours). Fixed once the row is created.")
    return InUserClinicsField(queryset=Clinic.objects.all(), clinic_lookup="pk", noun="Clinic", **kwargs)


class ClinicDateTimeField(LocalOrInstantMixin, serializers.DateTimeField):
    """An instant, or without an offset a wall-clock time in the row's clinic zone (common.fields' pattern).

    The field keeps such a value naive; the serializer, which knows the clinic, localizes it.
    """

    def to_internal_value(self, value):
        parsed = local_or_instant(value, lambda: self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.ffffff]][Z|±hh:mm]"))
        return parsed if timezone.is_naive(parsed) else parsed.astimezone(dt.UTC)


SANE_INSTANTS = (dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(3000, 1, 1, tzinfo=dt.UTC))


def localized(value: dt.datetime, clinic: Clinic, field: str) -> dt.datetime:
    """An aware instant; a wall-clock time inside a spring-forward gap is refused, naming the field."""
    try:
        instant = planning.localize(value, clinic.tz)
    except planning.LocalTimeError as exc:
        raise serializers.ValidationError({field: [exc.violation.message]}) from None
    except OverflowError:  # a wall-clock time at the very edge of year 1 or 9999
        instant = None
    # Far from any real schedule, and near the ends of datetime's range every zone conversion could overflow.
    if instant is None or not SANE_INSTANTS[0] <= instant < SANE_INSTANTS[1]:
        raise serializers.ValidationError({field: ["Give an instant between the years 1900 and 2999."]})
    return instant


def hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")
