"""Template filters of the pump pages (issue 16): the colour (a CSS class) of a visit's or an episode's status; the
page always prints the status's name beside it."""

from __future__ import annotations

from django import template

from pumps.models import EpisodeStatus, VisitStatus

register = template.Library()

VISIT_STATUS_CSS: dict[str, str] = {
    VisitStatus.PLANNED: "status-booked", VisitStatus.DONE: "status-completed", VisitStatus.MISSED: "status-no-show",
    VisitStatus.CANCELLED: "status-cancelled",
}
EPISODE_STATUS_CSS: dict[str, str] = {
    EpisodeStatus.BOOKED: "status-booked", EpisodeStatus.FITTED: "status-in-chair",
    EpisodeStatus.REMOVED: "status-checked-in", EpisodeStatus.RETURNED: "status-completed",
    EpisodeStatus.CANCELLED: "status-cancelled",
}


@register.filter
def visit_status_css(status: str) -> str:
    return VISIT_STATUS_CSS.get(status, "status-booked")


@register.filter
def episode_status_css(status: str) -> str:
    return EPISODE_STATUS_CSS.get(status, "status-booked")
