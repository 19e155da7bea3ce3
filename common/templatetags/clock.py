"""The `clock` template filter, a builtin of every template (config/settings.py): `{{ s.starts_at|clock }}`.

It replaces `|time:"H:i"`: the time of day in the clock format in force (the clinic's, set with its time zone),
or in a clinic's given as the argument (`|clock:clinic`) or a format (`|clock:"12h"`). Like Django's `time`
filter, an aware datetime is shown in the time zone in force. A "HH:MM" string (an option's value) is read as
that time of day; any other value is shown as nothing.
"""

import datetime as dt

from django import template

from common.clock import format_clock

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def clock(value, arg=None) -> str:
    fmt = getattr(arg, "clock_format", arg)
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value)
        except ValueError:
            return ""
    if not isinstance(value, dt.time | dt.datetime):
        return ""  # as Django's `time` filter shows what is not a time
    return format_clock(value, fmt if isinstance(fmt, str) else None)


@register.filter
def clock_hour(hour, short: str = "") -> str:
    """An hour of the day (0–23) as a column heading: "09:00" or "9:00 AM"; `clock_hour:"short"`: "09" or "9 AM"."""
    try:
        text = format_clock(dt.time(int(hour)))
    except (TypeError, ValueError):
        return ""
    if short:
        return text.replace(":00", "") if " " in text else text[:2]
    return text
