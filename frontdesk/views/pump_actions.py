"""An episode's actions on the desk (issue 16): fit, record a review (done or missed), remove (on time, or early
with a reason), take the pump back, cancel. Each goes through pumps.services.lifecycle (atomic, locked, audited);
a refusal is shown on the episode's page in the service's words."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.access import scope_to_user_clinics
from common.errors import ApplicationError
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES, can, forbidden, staff_page
from pumps.models import Episode, EpisodeVisit
from pumps.services import lifecycle


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, strip=True)

    def clean_reason(self):
        return "".join(c for c in self.cleaned_data["reason"] if c.isprintable()).strip()


def _fit(episode, by, form):
    return lifecycle.episode_fit(episode=episode, by=by)


def _remove(episode, by, form):
    return lifecycle.episode_remove(episode=episode, by=by, early_reason=form.cleaned_data["reason"])


def _return(episode, by, form):
    return lifecycle.episode_return(episode=episode, by=by)


def _cancel(episode, by, form):
    return lifecycle.episode_cancel(episode=episode, by=by, reason=form.cleaned_data["reason"])


#: action → (service, roles, what the page says once done)
ACTIONS = {
    "fit": (_fit, INFUSION_ROLES, "Pump fitted."),
    "remove": (_remove, INFUSION_ROLES, "Pump removed."),
    "return": (_return, ALL_ROLES, "Pump returned: it is free again after its turnaround."),
    "cancel": (_cancel, BOOKING_ROLES, "Episode cancelled. The patient has been emailed."),
}


def _episode(request, pk: int) -> Episode:
    episode = scope_to_user_clinics(Episode.objects.all(), request.user).filter(pk=pk).first()
    if episode is None:
        raise Http404("No such episode.")
    return episode


def _back(episode_id: int):
    return redirect(reverse("frontdesk:episode", args=[episode_id]))


@require_POST
@staff_page(ALL_ROLES)
def episode_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, roles, done = ACTIONS[action]
    if not can(request.user, roles):
        return forbidden(request, roles)
    episode = _episode(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The reason is too long (300 characters at most).")
        return _back(episode.pk)
    try:
        service(episode, request.user, form)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(episode.pk)


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("done", "Done"), ("missed", "Missed")])
    note = forms.CharField(max_length=500, required=False, strip=True)

    def clean_note(self):
        return "".join(c for c in self.cleaned_data["note"] if c.isprintable()).strip()


@require_POST
@staff_page(INFUSION_ROLES)
def visit_record(request, pk: int):
    visit = scope_to_user_clinics(EpisodeVisit.objects.all(), request.user).filter(pk=pk).first()
    if visit is None:
        raise Http404("No such visit.")
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the review was done or missed (a note of 500 characters at most).")
        return _back(visit.episode_id)
    done = form.cleaned_data["outcome"] == "done"
    try:
        lifecycle.visit_record(visit=visit, done=done, by=request.user, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Review recorded." if done else "Review marked missed: it is on the clinicians' worklist.")
    return _back(visit.episode_id)
