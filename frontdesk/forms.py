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
from common.clock import format_clock
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


class ClockSelect(forms.Select):
    """A time of day on the grid (every 15 minutes), labelled in the clock format in force (the clinic's, see
    render_in): a native <input type="time"> shows the browser's locale format ("2:30 PM" beside a page's "14:30").
    The values stay "HH:MM"; a time off the grid (a shift kept at 08:10) stays among the choices."""

    def __init__(self, attrs=None, *, empty_label: str = "—", step: int = TIME_STEP_MINUTES):
        super().__init__(attrs)
        self.empty_label, self.step = empty_label, step

    def format_value(self, value):
        return super().format_value(f"{value:%H:%M}" if isinstance(value, dt.time) else value)

    def get_context(self, name, value, attrs):
        chosen = self.format_value(value)
        grid = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, self.step)]
        values = time_choices(grid, chosen[0]) if chosen and chosen[0] else grid
        self.choices = [("", self.empty_label), *((v, format_clock(dt.time.fromisoformat(v))) for v in values)]
        return super().get_context(name, value, attrs)


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


#: Names people type for a zone, with the IANA name they mean (the US and Canada's everyday names first).
TIME_ZONE_ALIASES = {
    "eastern": "America/New_York", "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "central": "America/Chicago", "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mountain": "America/Denver", "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "arizona": "America/Phoenix",
    "pacific": "America/Los_Angeles", "pt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "alaska": "America/Anchorage", "akst": "America/Anchorage", "hawaii": "Pacific/Honolulu", "hst": "Pacific/Honolulu",
    "atlantic": "America/Halifax", "newfoundland": "America/St_Johns",
    "gmt": "Europe/London", "uk": "Europe/London", "bst": "Europe/London", "cet": "Europe/Paris",
}


def time_zone_suggestion(text: str) -> str | None:
    """The IANA zone someone typing `text` most likely means ("Eastern" → America/New_York, "new york" →
    America/New_York, "europe/lisbon" → Europe/Lisbon), else None."""
    typed = " ".join(text.split()).lower()
    if not typed:
        return None
    if typed.removeprefix("us ").removeprefix("us/") in TIME_ZONE_ALIASES:
        return TIME_ZONE_ALIASES[typed.removeprefix("us ").removeprefix("us/")]
    typed = typed.replace(" ", "_")
    by_city = None
    for name in time_zone_names():
        if name.lower() == typed:
            return name
        if by_city is None and "/" in name and name.rsplit("/", 1)[1].lower() == typed:
            by_city = name
    return by_city


def _first_field_focused(form: forms.BaseForm, order: list[str]) -> None:
    """Put `autofocus` on the first field with an error, else the first of `order` the form has."""
    names = [n for n in order if n in form.fields]
    erring = [n for n in names if n in form.errors] if form.is_bound else []
    for name in names:
        form.fields[name].widget.attrs.pop("autofocus", None)
    if names:
        form.fields[(erring or names)[0]].widget.attrs["autofocus"] = True


def _confirmed_ids(text: str) -> frozenset[int]:
    """The patient ids a "different person" button carried ("12,15"); anything else is ignored, not an error."""
    return frozenset(int(part) for part in text.split(",")[:20] if part.isascii() and part.isdigit() and len(part) < 19)


#: The patient record's fields the desk types, in the order of the page.
PATIENT_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "date_of_birth", "email", "phone", "timezone", "email_consent", "email_consent_source",
)


class _PatientFields(forms.ModelForm):
    """The fields of a patient record the desk types, parsed only: bookings.services.patients checks the rules.

    `different_person` is what the duplicate warning's button sends: the ids of the possible duplicates the
    person saw and set aside.
    """

    email_consent_source = forms.CharField(
        label="Consent given by", max_length=80, required=False,
        help_text="How the patient agreed: intake form, phone call…",
        widget=forms.TextInput(attrs={"list": "consent-sources"}),
    )
    timezone = forms.CharField(
        label="Time zone", max_length=64,
        help_text="The patient's time zone for emails: type part of a city (New_York, Chicago) and choose from the list.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}),
    )
    different_person = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Patient
        fields: tuple[str, ...] = PATIENT_FIELDS
        labels = {"email_consent": "Agrees to receive emails (reminders, changes)"}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "date_of_birth": DateInput(),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def clean_timezone(self) -> str:
        """An IANA name, checked here as well as in the service so the desk can say which zone was meant."""
        value = self.cleaned_data["timezone"].strip()
        if value in time_zone_names():
            return value
        suggestion = time_zone_suggestion(value)
        hint = f"did you mean {suggestion}?" if suggestion else "type part of a city (e.g. New_York) and choose from the list."
        raise forms.ValidationError(f"{value!r} is not an IANA time zone name: {hint}", code="unknown_zone")

    def patient_fields(self) -> dict:
        """`cleaned_data` as the patient services take it (without the duplicate warning's answer)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "different_person"}

    def confirmed_different(self) -> frozenset[int]:
        return _confirmed_ids(self.cleaned_data.get("different_person") or "")

    def focus_first(self) -> None:
        _first_field_focused(self, list(PATIENT_FIELDS))

    def add_service_error(self, error: ApplicationError) -> None:
        """Show a refusal of bookings.services.patients on the fields it names (else above the form)."""
        for field, messages in (error.details or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(field if field in self.fields else None, message)
        if not self.errors:
            self.add_error(None, error.message)


class PatientForm(_PatientFields):
    """Register a patient: the record's fields and the home clinic, among the user's clinics.

    The view hands `patient_fields()` to `patient_create` and, on a refusal, `add_service_error` shows it.
    """

    class Meta(_PatientFields.Meta):
        fields = ("clinic", *PATIENT_FIELDS)
        labels = {**_PatientFields.Meta.labels, "clinic": "Home clinic"}

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        clinic_field = cast(forms.ModelChoiceField, self.fields["clinic"])
        clinic_field.queryset = clinics
        clinic_field.empty_label = None
        if not self.is_bound and clinics:
            self.initial.setdefault("timezone", clinics[0].timezone)
        # The clinic is a field to choose only where there is a choice (the page shows it then).
        self.focus_order = ["clinic"] if len(clinics) > 1 else []

    def focus_first(self) -> None:
        _first_field_focused(self, [*self.focus_order, *PATIENT_FIELDS])


class PatientEditForm(_PatientFields):
    """Change a patient's details (the home clinic stays): the view hands `patient_fields()` to `patient_update`.

    Consent given earlier keeps its time and source; turning it off clears both (the service's rule).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_consent_source"].help_text = (
            "How the patient agreed; recorded when consent is turned on (kept while it stays on)."
        )


class ProposalForm(forms.Form):
    """What the desk asks the planner for: the protocol, where, from when, and the patient's wishes."""

    clinic = forms.TypedChoiceField(label="Clinic", coerce=int)
    protocol = forms.TypedChoiceField(label="Protocol", coerce=int)
    earliest_date = forms.DateField(label="Earliest date", widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label="Days the patient can come", choices=WEEKDAYS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: any day the clinic is open.",
    )
    time_from = forms.TimeField(label="Start at or after", required=False, widget=ClockSelect(empty_label="Any time"))
    time_to = forms.TimeField(label="End by", required=False, widget=ClockSelect(empty_label="Any time"))

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


class CancelConfirmForm(CancelForm):
    """Cancelling in two steps: without `confirm` the desk is shown what would happen (and what is late)."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CycleCancelForm(CancelConfirmForm):
    """Cancelling a whole course: who asked, why, and the confirmation step."""

    by = forms.ChoiceField(
        label="Who asked", choices=CancelledBy.choices, initial=CancelledBy.PATIENT, widget=forms.RadioSelect
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Say why the course is cancelled.")
        return value


class CompleteEarlyForm(forms.Form):
    """Completing a session before the protocol's chair time: the clinician says why (kept with the session)."""

    reason = forms.CharField(
        label="Why end it early", max_length=300, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RescheduleForm(forms.Form):
    starts_at = LocalDateTimeField(label="New start (clinic time)")
    scope = forms.ChoiceField(
        label="Move",
        choices=[(SCOPE_THIS, "This session only"), (SCOPE_FOLLOWING, "This and the later sessions, by the same offset")],
        initial=SCOPE_THIS, widget=forms.RadioSelect,
    )


class SlotGridForm(forms.Form):
    """The slot grid's filters (a GET): weekdays, times of day, and `from`, the first date of the page.

    Ticking none of a kind means any. An unknown value is a form error, never a wider search.
    """

    day = forms.TypedMultipleChoiceField(
        label="Days", choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    part = forms.MultipleChoiceField(
        label="Time of day",
        choices=[("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening")],
        required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # "from" is a Python keyword: the field is added by name.
        self.fields["from"] = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])

    def clean_from(self):
        day = self.cleaned_data.get("from")
        if day is not None and not planning.FIRST_DAY <= day <= planning.LAST_DAY:
            raise forms.ValidationError(DAY_OUT_OF_RANGE)
        return day


class MakeUpForm(forms.Form):
    """A make-up session picked on its slot grid: when, in place of which missed session, and whether confirmed."""

    starts_at = LocalDateTimeField(label="Start (clinic time)")
    replaces = forms.TypedChoiceField(label="In place of", coerce=int, choices=())
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, candidates=(), **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["replaces"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(s.pk, f"Session {s.sequence} ({s.get_status_display().lower()})") for s in candidates]
