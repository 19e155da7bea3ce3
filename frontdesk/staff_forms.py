"""The staff pages' forms (a clinic admin's staff management): they parse; accounts.staff decides."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from accounts.staff import ROLE_CHOICES
from common.errors import ApplicationError
from frontdesk.forms import DAY_OUT_OF_RANGE, ClockSelect, DateInput
from scheduler import planning

WEEKDAY_NAMES = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"), (6, "Sunday")]


class InviteForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email", max_length=254, help_text="The link to set a password goes here.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    username = forms.CharField(
        label="Username", max_length=150, validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, widget=forms.RadioSelect(attrs={"class": "choices"}), initial=ROLE_CHOICES[0][0])
    clinics = forms.TypedMultipleChoiceField(
        label="Clinics", coerce=int, widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}), help_text="Where they work, among yours."
    )

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["clinics"])
        field.choices = [(c.pk, c.name) for c in clinics]
        if len(clinics) == 1:
            self.initial.setdefault("clinics", [clinics[0].pk])

    def clean_first_name(self):
        return _text(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _text(self.cleaned_data["last_name"])

    def add_service_error(self, error: ApplicationError) -> None:
        """A refusal of accounts.staff on the field its details name (a taken username), else above the form."""
        named = {name: text for name, text in (error.details or {}).items() if name in self.fields}
        for name, text in named.items():
            self.add_error(name, text)
        if not named:
            self.add_error(None, error.message)


def _text(value: str) -> str:
    """A name as people type it: control characters refused, spaces collapsed."""
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        raise forms.ValidationError("Use letters, spaces and punctuation only.")
    cleaned = " ".join(value.split())
    if not cleaned:
        raise forms.ValidationError("This field is required.")
    return cleaned


class RolesForm(forms.Form):
    roles = forms.TypedMultipleChoiceField(
        label="Roles", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        error_messages={"required": "Choose at least one role."},
    )


class WeekForm(forms.Form):
    """A nurse's week in one form: each weekday's start and end (clinic time), both empty for a day off.

    Days in `locked` (a split shift, or several) are left out: the admin site edits those.
    """

    def __init__(self, *args, locked: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.days = []
        for day, name in WEEKDAY_NAMES:
            if day in locked:
                continue
            for part, label in (("starts", "starts"), ("ends", "ends")):
                self.fields[f"{part}_{day}"] = forms.TimeField(
                    label=f"{name} {label}", required=False, widget=ClockSelect(empty_label="Off"),
                )
            self.days.append((day, name, self[f"starts_{day}"], self[f"ends_{day}"]))

    def clean(self):
        data = super().clean() or {}
        for day, name, *_ in self.days:
            starts, ends = data.get(f"starts_{day}"), data.get(f"ends_{day}")
            if (starts is None) != (ends is None) and not self.errors.get(f"starts_{day}") and not self.errors.get(f"ends_{day}"):
                self.add_error(f"ends_{day}" if ends is None else f"starts_{day}", f"{name}: give both times, or neither for a day off.")
        return data

    def week(self) -> dict:
        """{weekday: (starts, ends) or None} for the days this form edits."""
        data = self.cleaned_data
        return {
            day: (data[f"starts_{day}"], data[f"ends_{day}"]) if data.get(f"starts_{day}") and data.get(f"ends_{day}") else None
            for day, *_ in self.days
        }

    def add_service_error(self, error: ApplicationError) -> None:
        for key, messages in (error.details or {}).items():
            name = f"ends_{key}" if f"ends_{key}" in self.fields else None
            self.add_error(name, messages)
        if not self.errors:
            self.add_error(None, error.message)


class TimeOffForm(forms.Form):
    """Time off in the clinic's wall-clock time: whole days, or from a time on the first day until one on the last."""

    first_day = forms.DateField(label="First day", widget=DateInput())
    from_time = forms.TimeField(label="From", required=False, widget=ClockSelect(empty_label="Whole day"),
                                help_text="Empty: the whole first day.")
    last_day = forms.DateField(label="Last day", widget=DateInput())
    until_time = forms.TimeField(label="Until", required=False, widget=ClockSelect(empty_label="Whole day"),
                                 help_text="Empty: the whole last day.")
    reason = forms.CharField(label="Reason", max_length=200, required=False,
                             help_text="Seen by the clinic's staff only, e.g. “Holiday”.")

    def clean_reason(self):
        value = self.cleaned_data["reason"]
        if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
            raise forms.ValidationError("Use letters, spaces and punctuation only.")
        return " ".join(value.split())

    def clean(self):
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        for name in ("first_day", "last_day"):
            day = data.get(name)
            if day is not None and not planning.FIRST_DAY <= day <= planning.LAST_DAY - dt.timedelta(days=1):
                self.add_error(name, DAY_OUT_OF_RANGE)
        if first and last and last < first and not self.errors:
            self.add_error("last_day", "Must be on or after the first day.")
        return data

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """(start, end) as naive wall-clock times; the view localises them in the clinic's zone."""
        data = self.cleaned_data
        starts = dt.datetime.combine(data["first_day"], data.get("from_time") or dt.time(0))
        until = data.get("until_time")
        ends = (dt.datetime.combine(data["last_day"], until) if until
                else dt.datetime.combine(data["last_day"] + dt.timedelta(days=1), dt.time(0)))
        return starts, ends


class ClosureForm(TimeOffForm):
    """A closure in the clinic's wall-clock time: the whole clinic, or one chair out of service."""

    chair = forms.TypedChoiceField(
        label="What closes", coerce=int, empty_value=None, required=False,
        help_text="The whole clinic, or one chair (maintenance); the other chairs then work as usual.",
    )
    reason = forms.CharField(label="Reason", max_length=200,
                             help_text="Staff see it on the day board, e.g. “Burst pipe” or “Maintenance”.")
    field_order = ["chair", "first_day", "from_time", "last_day", "until_time", "reason"]

    def __init__(self, *args, chairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["chair"]).choices = [("", "The whole clinic")] + [
            (c.pk, f"{c.name} only") for c in chairs
        ]
