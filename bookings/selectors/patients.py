"""Reads of patients: the list and the search behind the API and the desk."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace

from bookings.models import Patient

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


def patient_list() -> QuerySet[Patient]:
    """Every patient, by name; one query per page (the API shows the home clinic as an id)."""
    return Patient.objects.order_by("last_name", "first_name", "pk")


def _phone_digits():
    expression: str | Replace = "phone"
    for char in _PHONE_PUNCTUATION:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def patient_search(queryset: QuerySet[Patient], *, term: str) -> QuerySet[Patient]:
    """Patients matching every word of `term` in a name, email or phone; an ISO date matches the birth date.

    "jane doe" finds Jane Doe; "1985-05-17" the patients born that day; "555 0100" and "5550100" both
    find "+1 (555) 0100" (phone punctuation is ignored when a word is all digits). Control characters are
    left out: PostgreSQL refuses a NUL in text, and no name, email or phone holds one.
    """
    words = "".join(c for c in term if c.isprintable() or c.isspace()).split()
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
        if _ISO_DATE.match(word):
            with contextlib.suppress(ValueError):  # 1985-02-30 is no date; the word can still match text
                match |= Q(date_of_birth=dt.date.fromisoformat(word))
        queryset = queryset.filter(match)
    return queryset

