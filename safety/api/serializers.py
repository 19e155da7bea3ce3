"""Serializers of the safety checks' API: the checks and recovery check recorded, and the state answered.

The state is built by `checks_data`: values (and which checks are flagged) only for those who may see them
(clinicians and admins); the front desk gets the state alone, its value fields null.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from rest_framework import serializers

from common.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDecimalField,
    StrictIntegerField,
    StrictSerializer,
)
from safety.models import CheckEntry, CheckKind, CheckOverride, PregnancyAnswer, RecoveryCheck
from safety.selectors import ChecksStatus
from safety.services import (
    DIASTOLIC_RANGE,
    HEART_RATE_RANGE,
    OXYGEN_SATURATION_RANGE,
    SYSTOLIC_RANGE,
    WEIGHT_RANGE,
    Vitals,
)

_REASON = StrictCharField(
    max_length=500, required=False, allow_blank=True,
    help_text="A clinician's reason to let the session go on despite what is pending or flagged (clinicians only).",
)


def _range(name: str, bounds, unit: str) -> str:
    return f"{name}, {bounds[0]}–{bounds[1]} {unit}; outside: 400 with the check's code."


class ChecksRecordSerializer(StrictSerializer):
    systolic = StrictIntegerField(required=False, help_text=_range("Systolic pressure", SYSTOLIC_RANGE, "mmHg"))
    diastolic = StrictIntegerField(required=False, help_text=_range("Diastolic pressure", DIASTOLIC_RANGE, "mmHg"))
    heart_rate = StrictIntegerField(required=False, help_text=_range("Heart rate", HEART_RATE_RANGE, "per minute"))
    oxygen_saturation = StrictIntegerField(
        required=False, help_text=_range("Oxygen saturation", OXYGEN_SATURATION_RANGE, "%"))
    weight_kg = StrictDecimalField(max_digits=4, decimal_places=1, rounding=ROUND_HALF_UP, required=False,
                                   coerce_to_string=False,
                                   help_text=_range("Weight for dosing", WEIGHT_RANGE, "kg") + " Rounded to 0.1 kg.")
    pregnancy = StrictChoiceField(choices=PregnancyAnswer.choices, required=False,
                                  help_text="The patient's pregnancy attestation.")
    fasting = StrictBooleanField(required=False, help_text="Fasting confirmed (false is flagged).")
    escort = StrictBooleanField(required=False, help_text="An adult takes the patient home (false is flagged).")
    override_reason = _REASON

    def vitals(self) -> Vitals:
        data = self.validated_data
        return Vitals(**{name: data.get(name) for name in Vitals.__dataclass_fields__})


class RecoveryRecordSerializer(StrictSerializer):
    systolic = StrictIntegerField(required=False, help_text=_range("Systolic pressure", SYSTOLIC_RANGE, "mmHg"))
    diastolic = StrictIntegerField(required=False, help_text=_range("Diastolic pressure", DIASTOLIC_RANGE, "mmHg"))
    alert_and_oriented = StrictBooleanField(required=False)
    escort_present = StrictBooleanField(required=False)
    override_reason = _REASON


class CheckEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    version = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id", help_text="The session it was recorded at.")
    systolic = serializers.IntegerField(allow_null=True)
    diastolic = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=False,
                                     help_text="Heart rate, oxygen saturation (%) or weight (kg).")
    confirmed = serializers.BooleanField(allow_null=True)
    answer = serializers.CharField(help_text="The pregnancy attestation; empty for other checks.")
    flagged = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)


class CheckItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    status = serializers.ChoiceField(choices=["passed", "flagged", "missing", "stale"])
    entry = CheckEntrySerializer(allow_null=True)


class CheckOverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phase = serializers.CharField()
    reason = serializers.CharField()
    covers = serializers.DictField(child=serializers.IntegerField(allow_null=True),
                                   help_text="Each item overridden → its entry then (null: missing).")
    overridden_at = serializers.DateTimeField()
    overridden_by = serializers.IntegerField(source="overridden_by_id", allow_null=True)


class RecoveryCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    systolic = serializers.IntegerField()
    diastolic = serializers.IntegerField()
    alert_and_oriented = serializers.BooleanField()
    escort_present = serializers.BooleanField()
    chair_minutes = serializers.IntegerField(help_text="Time in the chair when the check was made.")
    flagged = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", allow_null=True)


CHECK_STATES = ["not_required", "pending", "flagged", "passed", "overridden"]


class SessionChecksSerializer(serializers.Serializer):
    """A session's safety checks. The fields after `recovery_state` are null for the front desk."""

    session = serializers.IntegerField()
    required = serializers.BooleanField(  # type: ignore[assignment]  # a field, popped by DRF's metaclass
        help_text="The clinic asks for checks and the protocol names some.")
    extra_monitoring = serializers.BooleanField(help_text="Sessions 1–3 of a course (the protocol's number).")
    state = serializers.ChoiceField(choices=CHECK_STATES, help_text="The front desk sees `pending` for `flagged`.")
    recovery_state = serializers.ChoiceField(choices=CHECK_STATES, help_text="The front desk sees `pending` for `flagged`.")
    pending = serializers.ListField(child=serializers.CharField(), allow_null=True,
                                    help_text="Checks missing or stale that no override covers.")
    flagged = serializers.ListField(child=serializers.CharField(), allow_null=True)
    items = CheckItemSerializer(many=True, allow_null=True, help_text="Each check the protocol asks for and its latest entry.")
    entries = CheckEntrySerializer(many=True, allow_null=True, help_text="Every entry at this session, corrections too.")
    override = CheckOverrideSerializer(allow_null=True)
    recovery = RecoveryCheckSerializer(allow_null=True, help_text="The latest recovery check.")
    recovery_override = CheckOverrideSerializer(allow_null=True)


def _desk_state(state: str) -> str:
    return "pending" if state == "flagged" else state


def checks_data(status: ChecksStatus, *, values: bool) -> dict:
    data: dict = {
        "session": status.session.pk, "required": status.required, "extra_monitoring": status.extra_monitoring,
        "state": status.state, "recovery_state": status.recovery_state,
        "pending": None, "flagged": None, "items": None, "entries": None, "override": None, "recovery": None,
        "recovery_override": None,
    }
    if not values:
        data["state"], data["recovery_state"] = _desk_state(status.state), _desk_state(status.recovery_state)
        return SessionChecksSerializer(data).data
    data.update({
        "pending": status.pending, "flagged": status.flagged,
        "items": [{"kind": i.kind, "status": i.status, "entry": i.entry} for i in status.items],
        "entries": status.entries, "override": status.override, "recovery": status.recovery,
        "recovery_override": status.recovery_override,
    })
    return SessionChecksSerializer(data).data


def rows_shown(status: ChecksStatus) -> list[CheckEntry | CheckOverride | RecoveryCheck]:
    """The rows whose values an answer hands out (for the audit trail's ACCESS entries)."""
    rows: dict[tuple[type, int], CheckEntry | CheckOverride | RecoveryCheck] = {}
    for row in [*status.entries, *(i.entry for i in status.items if i.entry), status.override, status.recovery,
                status.recovery_override]:
        if row is not None:
            rows[(type(row), row.pk)] = row
    return list(rows.values())
