"""`{% safety_state session as label %}`: a session's safety checks as the front desk may see them (no value, no
flag: "Checks pending" until they pass or a clinician overrides), or "" once the session has ended."""

from django import template

from bookings.models import SessionStatus
from safety.selectors import checks_status

register = template.Library()

_LABELS = {"pending": "Checks pending", "flagged": "Checks pending", "passed": "Checks passed",
           "overridden": "Overridden by a clinician"}


@register.simple_tag
def safety_state(session) -> str:
    if session.status not in (SessionStatus.CHECKED_IN, SessionStatus.IN_CHAIR):
        return ""
    status = checks_status(session=session)
    if session.status == SessionStatus.IN_CHAIR:
        label = _LABELS.get(status.recovery_state, "")
        return f"recovery {label[0].lower()}{label[1:]}" if label else ""
    return _LABELS.get(status.state, "")
