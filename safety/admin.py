"""The safety checks in the admin, scoped to the user's clinics (scheduler.admin_base): a clinic's settings and a
protocol's checks are edited; the records are listed read-only, without their values (clinicians read those on the
desk, where each read is audited)."""

from django.contrib import admin

from common.admin import ReadOnlyMixin
from safety.models import CheckEntry, CheckOverride, ProtocolChecks, RecoveryCheck, SafetySettings
from scheduler.admin_base import ClinicModelAdmin, RelatedOnly

RECORDS_NOTICE = (
    "Read-only, values left out: checks are recorded on the desk (each read of a value is audited there); a correction "
    "is a new version."
)


@admin.register(SafetySettings)
class SafetySettingsAdmin(ClinicModelAdmin):
    list_display = ("clinic", "safety_checks_required", "weight_max_age_days", "pregnancy_window_days",
                    "systolic_max", "diastolic_max")


@admin.register(ProtocolChecks)
class ProtocolChecksAdmin(ClinicModelAdmin):
    """A clinic's own protocols' checks are its admins'; a shared protocol's, the superuser's."""

    clinic_lookup = "protocol__clinic"
    shared_when_null = True
    list_display = ("protocol", "blood_pressure", "heart_rate", "oxygen_saturation", "weight", "pregnancy", "fasting",
                    "escort")
    list_select_related = ("protocol",)

    def _is_shared_row(self, request, obj) -> bool:
        return isinstance(obj, ProtocolChecks) and obj.protocol.clinic_id is None and not request.user.is_superuser


class _Records(ReadOnlyMixin, ClinicModelAdmin):
    list_filter = (("clinic", RelatedOnly),)
    list_select_related = ("session", "clinic", "patient")
    admin_notice = RECORDS_NOTICE


@admin.register(CheckEntry)
class CheckEntryAdmin(_Records):
    list_display = ("pk", "session", "kind", "version", "flagged", "recorded_at", "recorded_by")
    fields = ("session", "patient", "clinic", "kind", "version", "flagged", "recorded_at", "recorded_by")


@admin.register(RecoveryCheck)
class RecoveryCheckAdmin(_Records):
    list_display = ("pk", "session", "version", "flagged", "chair_minutes", "recorded_at", "recorded_by")
    fields = ("session", "patient", "clinic", "version", "flagged", "chair_minutes", "recorded_at", "recorded_by")


@admin.register(CheckOverride)
class CheckOverrideAdmin(_Records):
    list_display = ("pk", "session", "phase", "overridden_at", "overridden_by")
    fields = ("session", "patient", "clinic", "phase", "overridden_at", "overridden_by")
