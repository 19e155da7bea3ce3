"""Outcome measures in the admin, scoped to the user's clinics (scheduler.admin_base): which instruments a clinic's
protocols ask for is edited here; the instruments are read (data, changed by a migration's new version); answers,
flags and review decisions are listed read-only without answers or scores (clinicians read those on the desk, where
each read is audited)."""

from django import forms
from django.contrib import admin

from common.admin import ReadOnlyMixin
from outcomes.models import CourseReview, Instrument, Measure, ProtocolInstrument, UrgentFlag
from scheduler.admin_base import ClinicModelAdmin, RelatedOnly

RECORDS_NOTICE = (
    "Read-only, answers and scores left out: they are entered and read on the desk (each read audited there)."
)


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "version", "name", "is_current", "remission_below")
    list_filter = ("code", "is_current")


class ProtocolInstrumentForm(forms.ModelForm):
    instrument_code = forms.ChoiceField(label="Instrument")

    class Meta:
        model = ProtocolInstrument
        fields = ["protocol", "instrument_code"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = Instrument.objects.filter(is_current=True).order_by("code")
        field = self.fields["instrument_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.code, f"{i.name} ({i.code})") for i in current]


@admin.register(ProtocolInstrument)
class ProtocolInstrumentAdmin(ClinicModelAdmin):
    """A clinic's own protocols' instruments are its admins'; a shared protocol's, the superuser's."""

    form = ProtocolInstrumentForm
    clinic_lookup = "protocol__clinic"
    shared_when_null = True
    list_display = ("protocol", "instrument_code")
    list_select_related = ("protocol",)

    def _is_shared_row(self, request, obj) -> bool:
        return isinstance(obj, ProtocolInstrument) and obj.protocol.clinic_id is None and not request.user.is_superuser


class _Records(ReadOnlyMixin, ClinicModelAdmin):
    list_filter = (("clinic", RelatedOnly),)
    admin_notice = RECORDS_NOTICE


@admin.register(Measure)
class MeasureAdmin(_Records):
    list_display = ("pk", "session", "instrument_code", "version", "is_current", "source", "created_at")
    list_select_related = ("session", "clinic")
    fields = ("session", "cycle", "patient", "clinic", "instrument_code", "version", "is_current", "source",
              "entered_by", "created_at", "superseded_at")


@admin.register(UrgentFlag)
class UrgentFlagAdmin(_Records):
    list_display = ("pk", "session", "raised_at", "acknowledged_at", "acknowledged_by")
    list_select_related = ("session", "clinic", "acknowledged_by")
    fields = ("session", "patient", "clinic", "raised_at", "acknowledged_at", "acknowledged_by")


@admin.register(CourseReview)
class CourseReviewAdmin(_Records):
    list_display = ("pk", "cycle", "decision", "decided_at", "decided_by")
    list_select_related = ("cycle", "clinic", "decided_by")
    fields = ("cycle", "clinic", "decision", "note", "decided_at", "decided_by")
