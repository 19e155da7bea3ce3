"""JSON read from requests, with a nesting limit, so a hostile body is a 400 and never a RecursionError.

The API's parser (DRF's DEFAULT_PARSER_CLASSES) and the admin's JSON form field (ClinicModelAdmin) use it.
"""

from __future__ import annotations

from django import forms
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Our request bodies nest three levels (a course's sessions, a clinic's opening hours: object → list → object).
#: The margin is wide; the limit keeps validation, rendering and storage away from Python's recursion limit.
MAX_DEPTH = 32

TOO_DEEP_MESSAGE = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested deeper than MAX_DEPTH is a ParseError (400 `parse_error`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The C scanner gives up near Python's recursion limit (about 1,000 levels): a 2 KB body does it.
            raise ParseError(TOO_DEEP_MESSAGE) from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP_MESSAGE)
        return data


def _depth_exceeds(data, limit: int) -> bool:
    """Whether containers nest deeper than `limit`; iterative, so the check itself cannot recurse too deep."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return False


class JSONFormField(forms.JSONField):
    """Django's JSON form field; text nested deeper than MAX_DEPTH is a field error, as invalid JSON is."""

    def to_python(self, value):
        try:
            converted = super().to_python(value)
            too_deep = _depth_exceeds(converted, MAX_DEPTH)
        except RecursionError:
            too_deep = True
        if too_deep:
            raise forms.ValidationError(f"Nested more than {MAX_DEPTH} levels deep.", code="invalid")
        return converted

    def bound_data(self, data, initial):
        # Redisplaying the submitted text after an error parses it again.
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)
