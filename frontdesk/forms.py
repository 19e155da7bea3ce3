"""The staff pages' forms: they parse and validate input; the views hand the result to services or selectors.

Wall-clock times the desk types are naive and read in the clinic's zone by bookings.services (a time
skipped by the spring-forward change is refused there with `nonexistent_local_time`).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import cast

from django import forms
from django.utils import timezone

from bookings.models import CancelledBy, Patient
from bookings.services import SCOPE_FOLLOWING, SCOPE_THIS
from common.errors import ApplicationError
from scheduler import planning

#: Where consent was given when the desk does not say.
DEFAULT_CONSENT_SOURCE = "front desk"
CONSENT_SOURCES = ("intake form", "phone call", "in person", "web form")
WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
#: What <input type="datetime-local"> sends.
LOCAL_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
#: The booking page's grid of start times: a session's time control offers every this many minutes.
TIME_STEP_MINUTES = 15
#: The desk's words for a date or time the planner refuses as out of range (years 1 and 9999 overflow).
DAY_OUT_OF_RANGE = f"Choose a date between {planning.FIRST_DAY:%Y-%m-%d} and {planning.LAST_DAY:%Y-%m-%d}."
TIME_OUT_OF_RANGE = (
    f"This time is out of range. Choose one between {planning.FIRST_DAY:%Y-%m-%d} and {planning.LAST_DAY:%Y-%m-%d}."
)


def parse_day(text: str | None, default: dt.date) -> tuple[dt.date, str]:
    """(the date in `text`, else `default`; and why `text` was not taken, "" when it was or was empty)."""
    if not text:
        return default, ""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return default, "That is not a date; showing today."
    if not planning.FIRST_DAY <= day <= planning.LAST_DAY:
        return default, f"{DAY_OUT_OF_RANGE} Showing today."
    return day, ""


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def time_grid(*, opens: dt.time, closes: dt.time, block_minutes: int = 0, step: int = TIME_STEP_MINUTES) -> list[str]:
    """The start times a booking row offers ("HH:MM"): every `step` minutes from opening to the last start whose
    `block_minutes` still end by closing (the whole span when no block fits, so the list is never empty)."""
    first = opens.hour * 60 + opens.minute
    first += -first % step  # the grid's own times: an opening at 08:10 offers 08:15 first
    end = closes.hour * 60 + closes.minute
    last = end - block_minutes if end - block_minutes >= first else end - step
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(first, max(last, first) + 1, step)]


def time_choices(grid: list[str], chosen: str) -> list[str]:
    """The grid with `chosen` among it: a time off the grid (a proposal at 10:05) stays what the row holds."""
    if chosen in grid or parse_wall_time(chosen) is None:
        return grid
    return sorted([*grid, chosen])


def parse_wall_time(text: str) -> dt.time | None:
    try:
        return dt.datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return None


def parse_wall(day: str, time: str) -> tuple[dt.datetime | None, str]:
    """A row's date ("YYYY-MM-DD") and time ("HH:MM") as one naive wall-clock time, or None and what is missing."""
    try:
        date = dt.datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        date = None
    clock = parse_wall_time(time)
    if date is None and clock is None:
        return None, "Enter a date and choose a time."
    if date is None:
        return None, "Enter a date."
    if clock is None:
        return None, "Choose a time."
    return dt.datetime.combine(date, clock), ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the clinic's zone is applied by the booking services."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format="%Y-%m-%dT%H:%M")
    input_formats = LOCAL_INPUT_FORMATS

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for fmt in LOCAL_INPUT_FORMATS:
            try:
                parsed = dt.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            if not planning.EARLIEST_LOCAL <= parsed < planning.LATEST_LOCAL:
                raise forms.ValidationError(TIME_OUT_OF_RANGE, code="out_of_range")
            return parsed
        raise forms.ValidationError("Enter a date and time, e.g. 2027-03-02 09:00.", code="invalid")


class PatientForm(forms.ModelForm):
    """Register a patient. Parses only: bookings.services.patients checks the rules and records consent.

    The view hands `cleaned_data` to `patient_create` and, on a refusal, `add_service_error` shows it.
    """

    email_consent_source = forms.CharField(
        label="Consent given by", max_length=80, required=False,
        help_text="How the patient agreed: intake form, phone call…",
        widget=forms.TextInput(attrs={"list": "consent-sources"}),
    )
    timezone = forms.CharField(
        label="Time zone", max_length=64,
        help_text="The patient's IANA time zone for emails, e.g. America/New_York.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )

    class Meta:
        model = Patient
        fields = (
            "clinic", "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
            "email_consent", "email_consent_source",
        )
        labels = {"clinic": "Home clinic", "email_consent": "Agrees to receive emails (reminders, changes)"}
        widgets = {
            "date_of_birth": DateInput(),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        clinic_field = cast(forms.ModelChoiceField, self.fields["clinic"])
        clinic_field.queryset = clinics
        clinic_field.empty_label = None
        if not self.is_bound and clinics:
            self.initial.setdefault("timezone", clinics[0].timezone)

    def add_service_error(self, error: ApplicationError) -> None:
        """Show a refusal of bookings.services.patients on the fields it names (else above the form)."""
        for field, messages in (error.details or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(field if field in self.fields else None, message)
        if not self.errors:
            self.add_error(None, error.message)


class ProposalForm(forms.Form):
    """What the desk asks the planner for: the protocol, where, from when, and the patient's wishes."""

    clinic = forms.TypedChoiceField(label="Clinic", coerce=int)
    protocol = forms.TypedChoiceField(label="Protocol", coerce=int)
    earliest_date = forms.DateField(label="Earliest date", widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label="Days the patient can come", choices=WEEKDAYS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: any day the clinic is open.",
    )
    time_from = forms.TimeField(label="Start at or after", required=False, widget=TimeInput())
    time_to = forms.TimeField(label="End by", required=False, widget=TimeInput())

    def __init__(self, *args, clinics, protocols, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["clinic"]).choices = [(c.pk, c.name) for c in clinics]
        cast(forms.ChoiceField, self.fields["protocol"]).choices = [
            (p.pk, f"{p.name} ({p.session_count} session{'s' if p.session_count != 1 else ''})") for p in protocols
        ]

    def clean_earliest_date(self):
        value = self.cleaned_data["earliest_date"]
        if value > timezone.now().date() + dt.timedelta(days=366):
            raise forms.ValidationError("Plans reach at most a year ahead.")
        return value

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (typed as possibly None)
        if data.get("time_from") and data.get("time_to") and data["time_to"] <= data["time_from"]:
            self.add_error("time_to", "Must be after the start time.")
        return data


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        label="Who cancels", choices=CancelledBy.choices, initial=CancelledBy.PATIENT, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Reason", max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Say why the session is cancelled.")
        return value


class RescheduleForm(forms.Form):
    starts_at = LocalDateTimeField(label="New start (clinic time)")
    scope = forms.ChoiceField(
        label="Move",
        choices=[(SCOPE_THIS, "This session only"), (SCOPE_FOLLOWING, "This and the later sessions, by the same offset")],
        initial=SCOPE_THIS, widget=forms.RadioSelect,
    )
