"""Re-plan (issue 14): the clinic's stranded sessions, each with the time the planner proposes; the desk applies
one or all, and sees each session's outcome (moved, given another nurse or chair, or refused and why)."""

from __future__ import annotations

from bookings.models import InfusionSession
from bookings.selectors.replan import replan_proposals, replan_sessions
from bookings.services.replan import MOVED, REASSIGNED, REFUSED, sessions_replan
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.views.common import audit_shown, clinic_choice, no_clinic, render_in
from scheduler.models import Chair, StaffMember


def _session_id(text: str | None) -> int | None:
    """A session id as the form sends it (a whole number), else None."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


@staff_page(BOOKING_ROLES)
def replan(request):
    """GET: the proposals. POST `session` (one) or `all`: apply, then show each outcome above what is left."""
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    results = []
    problem = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("all") == "1":
            results = sessions_replan(clinic=clinic, by=request.user)
        else:
            pk = _session_id(request.POST.get("session"))
            session = InfusionSession.objects.filter(clinic=clinic, pk=pk).select_related("patient").first() if pk else None
            if session is None:
                problem, status = "Choose a session of this clinic's Needs moving list.", 400
            else:
                results = sessions_replan(clinic=clinic, sessions=[session], by=request.user)
    proposals = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
    audit_shown(request, [p.session for p in proposals], [r.session for r in results])
    chairs: dict[int | None, str] = dict(Chair.objects.filter(clinic=clinic).values_list("pk", "name"))
    nurses: dict[int | None, str] = {n.pk: f"{n.first_name} {n.last_name}" for n in StaffMember.objects.filter(clinic=clinic)}
    context = {
        "clinics": clinics, "clinic": clinic, "problem": problem,
        "proposals": [
            {"p": p, "s": p.session, "chair": chairs.get(p.chair_id, ""), "nurse": nurses.get(p.nurse_id, ""),
             "same_chair": p.chair_id == p.session.chair_id, "same_nurse": p.nurse_id == p.session.nurse_id}
            for p in proposals
        ],
        "results": [
            {"r": r, "s": r.session, "chair": chairs.get(r.session.chair_id, ""), "nurse": nurses.get(r.session.nurse_id, "")}
            for r in results
        ],
        "MOVED": MOVED, "REASSIGNED": REASSIGNED, "REFUSED": REFUSED,
        "counts": {k: sum(r.outcome == k for r in results) for k in (MOVED, REASSIGNED, REFUSED)},
    }
    return render_in(request, "frontdesk/replan.html", context, clinic=clinic, status=status)
