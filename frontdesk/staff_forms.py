"""The staff pages' forms (a clinic admin's staff management): they parse; accounts.staff decides."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from accounts.staff import ROLE_CHOICES
from common.errors import ApplicationError


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
