"""Patient writes: registering a patient and changing their details, with every rule of a patient record.

The API's serializer and the desk's form only parse (types, formats, lengths); the rules live here: names,
a sane date of birth, a phone number's shape, an IANA time zone, and consent to email (it needs an email
address; turning it on records the time and where it was given; turning it off clears both).

A refusal is one ApplicationError `validation_error` whose details name each field with its messages,
the shape DRF's own field errors have, so the API answers exactly as it does for a malformed field. The
per-field rules are all checked and reported together; the consent rule only once they pass.

Audit: each write records one entry, as the booking services do, with `by` as the actor. auditlog's own
signal is held off for these saves (no second entry), and the changes are computed by auditlog's diff, so
a patient's entries read the same whether the patient was written here or in the admin (which auditlog
still logs through its registration, settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any, Required, TypedDict, Unpack

from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import Patient
from common.errors import ApplicationError
from scheduler.models import Clinic

_PHONE = re.compile(r"^\+?[0-9 ().\-/]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
_EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_NAME_LENGTH: int = Patient._meta.get_field("first_name").max_length or 80


class PatientFields(TypedDict, total=False):
    """What a client may set on a patient besides the names and birth date (the clinic and consent time are
    the service's to set)."""

    email: str
    phone: str
    timezone: str
    email_consent: bool
    #: Where consent was given; read only when consent turns on.
    email_consent_source: str


class NewPatientFields(PatientFields, total=False):
    first_name: Required[str]
    last_name: Required[str]
    date_of_birth: Required[dt.date]


class PatientChanges(PatientFields, total=False):
    first_name: str
    last_name: str
    date_of_birth: dt.date
    clinic: Clinic


@functools.cache
def _time_zones() -> frozenset[str]:
    """The IANA names this system knows (reading them walks the zone files, so once a process)."""
    return frozenset(zoneinfo.available_timezones())


def _invalid(errors: Mapping[str, list[str]]) -> ApplicationError:
    field, messages = next(iter(errors.items()))
    return ApplicationError(
        codes.VALIDATION_ERROR,
        f"The request is not valid: {field}: {messages[0]}",
        details={name: list(found) for name, found in errors.items()},
        status=codes.http_status(codes.VALIDATION_ERROR),
    )


def _field_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each given field's rule broken, in the order the API lists its fields."""
    errors: dict[str, list[str]] = {}
    for name in ("first_name", "last_name"):
        if name in values:
            if not (values[name] or "").strip():
                errors[name] = ["This field may not be blank."]
            elif len(values[name]) > _NAME_LENGTH:
                errors[name] = [f"Ensure this field has no more than {_NAME_LENGTH} characters."]
    if "date_of_birth" in values:
        # The latest calendar date anywhere on Earth (UTC+14): no patient is refused for being born today.
        latest = (timezone.now() + dt.timedelta(hours=14)).date()
        if values["date_of_birth"] > latest:
            errors["date_of_birth"] = ["A date of birth cannot be in the future."]
        elif values["date_of_birth"] < _EARLIEST_BIRTH_DATE:
            errors["date_of_birth"] = ["A date of birth before 1900 is surely a typing error."]
    phone = values.get("phone", "")
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        errors["phone"] = [
            "Enter a phone number: digits, optionally with +, spaces, dashes, dots, slashes, brackets and an "
            "extension (x123)."
        ]
    if "timezone" in values and values["timezone"] not in _time_zones():
        errors["timezone"] = [f"{values['timezone']!r} is not an IANA time zone name (e.g. America/New_York)."]
    return errors


def _checked(given: Mapping[str, Any], *, current: Patient | None, default_consent_source: str) -> dict[str, Any]:
    """The values to write: `given` checked, normalised, with the consent time and source settled."""
    values = dict(given)
    for name in ("first_name", "last_name", "phone"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    errors = _field_errors(values)
    if errors:
        raise _invalid(errors)

    was_consenting = bool(current and current.email_consent)
    consent = values.get("email_consent", was_consenting)
    source = values.pop("email_consent_source", None)
    email = values.get("email", current.email if current else "")
    if consent and not email:
        # Blame the field the client sent: the email it cleared, else the consent it asked for.
        raise _invalid({"email" if "email" in values else "email_consent": ["Consent to email needs an email address."]})
    if consent and not was_consenting:
        values["email_consent_at"] = timezone.now()
        values["email_consent_source"] = (source or "").strip() or default_consent_source
    elif not consent:
        values["email_consent_at"] = None
        values["email_consent_source"] = ""
    return values


def _record(patient: Patient, action: int, *, before: Patient | None, by: AbstractBaseUser | AnonymousUser | None) -> None:
    # auditlog's diff, not audit.diff: the same shape as the entries auditlog writes for the admin's saves.
    # `before` is the stored row: every field of `patient` not written now equals it, so no false change.
    changes = model_instance_diff(before, patient, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)
    if changes:
        audit.record_many(
            [audit.entry(patient, action, changes=changes, patient_id=patient.pk, clinic_id=patient.clinic_id, actor=by)]
        )


@transaction.atomic
def patient_create(
    *, clinic: Clinic, by: AbstractBaseUser | AnonymousUser | None, default_consent_source: str, **fields: Unpack[NewPatientFields]
) -> Patient:
    """Register a patient of `clinic`. The time zone defaults to the clinic's.

    `default_consent_source` is recorded as where consent was given when `email_consent_source` is blank
    (the API says "api", the desk "front desk").
    """
    values = _checked(fields, current=None, default_consent_source=default_consent_source)
    values.setdefault("timezone", clinic.timezone)
    patient = Patient(clinic=clinic, **values)
    with disable_auditlog():
        patient.save()
    _record(patient, audit.CREATE, before=None, by=by)
    return patient


@transaction.atomic
def patient_update(
    *, patient: Patient, by: AbstractBaseUser | AnonymousUser | None, default_consent_source: str, **changes: Unpack[PatientChanges]
) -> Patient:
    """Change the fields given (the others stay as stored) and return `patient`, updated.

    Consent is judged against the stored row, locked for the time of the write; only the fields given (and
    what consent settles) are written, so a stale `patient` overwrites nothing else.
    """
    stored = Patient.objects.select_for_update().get(pk=patient.pk)
    values = _checked(changes, current=stored, default_consent_source=default_consent_source)
    # The row as it will be: the stored one with the values applied (what the audit entry compares).
    after = copy.copy(stored)
    for name, value in values.items():
        setattr(after, name, value)
        setattr(patient, name, value)
    with disable_auditlog():
        patient.save(update_fields=[*values, "updated_at"])
    _record(after, audit.UPDATE, before=stored, by=by)
    return patient
