"""Reads of patients: the list and the search behind the API and the desk, possible duplicates, today's patients."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace

from bookings.models import InfusionSession, Patient, SessionStatus
from scheduler.models import Clinic

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A US date as the desk types it from an ID card: MM/DD/YYYY (1 or 2 digits for month and day).
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+", "/")
#: A whole search term that reads as one phone number: "(212) 555-0105", "+1 212.555.0105".
_PHONE_TERM = re.compile(r"^\+?[0-9 ().\-/]+$")
#: Fewer digits than this in a phone number say too little to call two patients the same person.
_DUPLICATE_PHONE_DIGITS = 7


def patient_list() -> QuerySet[Patient]:
    """Every patient, by name; one query per page (the API shows the home clinic as an id)."""
    return Patient.objects.order_by("last_name", "first_name", "pk")


def _phone_digits():
    expression: str | Replace = "phone"
    for char in _PHONE_PUNCTUATION:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def phone_key(phone: str) -> str:
    """A phone number reduced to what identifies it: its digits, without the country code 1 of a North American
    number ("+1 (212) 555-0105", "212.555.0105" and "2125550105" all give "2125550105")."""
    digits = "".join(c for c in phone if c.isascii() and c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def search_date(word: str) -> dt.date | None:
    """The birth date a search word names: ISO (1986-09-17) or US (09/17/1986, 9/17/1986); else None."""
    with contextlib.suppress(ValueError):  # 1985-02-30 is no date; the word can still match text
        if _ISO_DATE.match(word):
            return dt.date.fromisoformat(word)
        if found := _US_DATE.match(word):
            month, day, year = (int(part) for part in found.groups())
            return dt.date(year, month, day)
    return None


def _search_words(term: str) -> list[str]:
    """The words of a search: a term that is one phone number, however punctuated, is one word of its digits,
    and so is each word that is part of one ("(212)", "555-0105"); a date (1986-09-17, 09/17/1986) stays a date."""
    term = "".join(c for c in term if c.isprintable() or c.isspace()).strip()
    words = term.split()
    if (
        _PHONE_TERM.match(term) and sum(c.isdigit() for c in term) >= _DUPLICATE_PHONE_DIGITS
        and all(search_date(word) is None for word in words)
    ):
        return [phone_key(term)]
    return [_phone_part(word) for word in words]


def _phone_part(word: str) -> str:
    if search_date(word) is None and _PHONE_TERM.match(word):
        digits = "".join(c for c in word if c.isdigit())
        if len(digits) >= 3:
            return digits
    return word


def patient_search(queryset: QuerySet[Patient], *, term: str) -> QuerySet[Patient]:
    """Patients matching every word of `term` in a name, email or phone; a date matches the birth date.

    "jane doe" finds Jane Doe; "1985-05-17" and "05/17/1985" the patients born that day; "(212) 555-0105",
    "212-555-0105", "2125550105" and "+1 212 555 0105" all find "+1 (212) 555-0105" (a term that is a phone
    number is compared by its digits, a leading country code 1 left out; "555 0100" finds it too, word by word).
    Control characters are left out: PostgreSQL refuses a NUL in text, and no name, email or phone holds one.
    Always one query, whatever the term.
    """
    words = _search_words(term)
    if not words:
        return queryset
    if any(w.isdigit() and len(w) >= 3 for w in words):
        queryset = queryset.alias(phone_digits=_phone_digits())
    for word in words:
        match = (
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
            | Q(email__icontains=word) | Q(phone__icontains=word)
        )
        if word.isdigit() and len(word) >= 3:
            match |= Q(phone_digits__contains=word)
        if (born := search_date(word)) is not None:
            match |= Q(date_of_birth=born)
        queryset = queryset.filter(match)
    return queryset


@dataclass(frozen=True)
class PossibleDuplicate:
    patient: Patient
    #: What the two records share, in the desk's words: "name and date of birth", "email", "phone".
    reasons: tuple[str, ...]


def patient_duplicates(
    *, clinic: Clinic, first_name: str, last_name: str, date_of_birth: dt.date | None, email: str = "", phone: str = "",
    exclude_pk: int | None = None, limit: int = 5,
) -> list[PossibleDuplicate]:
    """The clinic's patients who may be this person: the same first and last name and birth date (case and
    surrounding spaces ignored), or the same email (case ignored), or the same phone (by `phone_key`, and only
    with at least 7 digits). One query; `exclude_pk` is the patient being edited."""
    match = Q(pk__in=[])
    first, last, email = first_name.strip(), last_name.strip(), email.strip()
    if first and last and date_of_birth:
        match |= Q(first_name__iexact=first, last_name__iexact=last, date_of_birth=date_of_birth)
    if email:
        match |= Q(email__iexact=email)
    key = phone_key(phone)
    if len(key) >= _DUPLICATE_PHONE_DIGITS:
        # Stored numbers are compared the same way: their digits, with or without the leading 1.
        match |= Q(phone_digits__in=[key, f"1{key}"] if len(key) == 10 else [key])
    found = Patient.objects.filter(clinic=clinic).alias(phone_digits=_phone_digits()).filter(match)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    found = found.order_by("last_name", "first_name", "pk")[:limit]
    duplicates = []
    for other in found:
        reasons = []
        if (other.first_name.strip().lower(), other.last_name.strip().lower(), other.date_of_birth) == (
            first.lower(), last.lower(), date_of_birth
        ):
            reasons.append("name and date of birth")
        if email and other.email.lower() == email.lower():
            reasons.append("email")
        if len(key) >= _DUPLICATE_PHONE_DIGITS and phone_key(other.phone) == key:
            reasons.append("phone")
        duplicates.append(PossibleDuplicate(other, tuple(reasons)))
    return duplicates


@dataclass(frozen=True)
class TodaysPatient:
    patient: Patient
    #: The patient's sessions of the day, by start time (usually one).
    sessions: tuple[InfusionSession, ...]


def patients_with_sessions_between(*, windows: Iterable[tuple[Clinic, dt.datetime, dt.datetime]]) -> list[TodaysPatient]:
    """Patients with a session (not cancelled) starting in one of the windows, each a clinic and its local day's
    bounds; by their first start. One query, whatever the number of clinics."""
    match = Q(pk__in=[])
    for clinic, start, end in windows:
        match |= Q(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
    sessions = (
        InfusionSession.objects.filter(match)
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED])
        .select_related("patient__clinic", "clinic")
        .order_by("starts_at", "pk")
    )
    by_patient: dict[int, list[InfusionSession]] = {}
    patients: dict[int, Patient] = {}
    for session in sessions:
        patient = session.patient
        patients.setdefault(patient.pk, patient)
        by_patient.setdefault(patient.pk, []).append(session)
    return [TodaysPatient(patients[pk], tuple(found)) for pk, found in by_patient.items()]
