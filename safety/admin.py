"""The safety checks in the admin: a clinic's settings and a protocol's checks are edited; the records are read."""

from django.contrib import admin

from safety.models import CheckEntry, CheckOverride, ProtocolChecks, RecoveryCheck, SafetySettings


@admin.register(SafetySettings)
class SafetySettingsAdmin(admin.ModelAdmin):
    list_display = ("clinic", "safety_checks_required", "weight_max_age_days", "pregnancy_window_days",
                    "systolic_max", "diastolic_max")


@admin.register(ProtocolChecks)
class ProtocolChecksAdmin(admin.ModelAdmin):
    list_display = ("protocol", "blood_pressure", "heart_rate", "oxygen_saturation", "weight", "pregnancy", "fasting",
                    "escort")


class _ReadOnly(admin.ModelAdmin):
    """Check records are never changed: a correction is a new version, recorded through the services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CheckEntry)
class CheckEntryAdmin(_ReadOnly):
    list_display = ("pk", "session", "kind", "version", "flagged", "recorded_at", "recorded_by")


@admin.register(RecoveryCheck)
class RecoveryCheckAdmin(_ReadOnly):
    list_display = ("pk", "session", "version", "flagged", "chair_minutes", "recorded_at", "recorded_by")


@admin.register(CheckOverride)
class CheckOverrideAdmin(_ReadOnly):
    list_display = ("pk", "session", "phase", "overridden_at", "overridden_by")
