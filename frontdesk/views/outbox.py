"""The mail outbox (embedded mode): what patients would have received, read from var/mail/.

Open to the roles that handle patient emails, and showing each user only their clinics' patients' emails
(frontdesk.outbox), as the API's email list does. An email's HTML part is served on its own URL with a
sandboxing policy and framed by the email's page: the email's inline styles show as the patient sees them,
while no script in it could run and it reaches nothing of the site.
"""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import Http404, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from frontdesk import outbox
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.views.common import render_in

#: The policy of an email's HTML part. `sandbox` (no allow-* tokens) gives the document an opaque origin,
#: no scripts, no forms, no popups; only inline styles and images carried in the email itself may load.
#: Our own pages may frame it (frame-ancestors, and X-Frame-Options SAMEORIGIN), no other site.
EMAIL_HTML_POLICY = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


def _mail(request, name: str, index: int) -> outbox.Mail:
    mail = outbox.mail_get(user=request.user, name=name, index=index) if outbox.enabled() else None
    if mail is None:
        raise Http404("No such email.")
    return mail


@staff_page(BOOKING_ROLES)
def mail_list(request):
    mails = outbox.mail_list(user=request.user) if outbox.enabled() else []
    context = {"enabled": outbox.enabled(), "mails": mails, "limit": outbox.LIST_LIMIT}
    return render_in(request, "frontdesk/outbox.html", context)


@staff_page(BOOKING_ROLES)
def mail_detail(request, name: str, index: int):
    return render_in(request, "frontdesk/mail.html", {"mail": _mail(request, name, index)})


@xframe_options_sameorigin
@csp_replace(EMAIL_HTML_POLICY)
@staff_page(BOOKING_ROLES)
def mail_html(request, name: str, index: int):
    mail = _mail(request, name, index)
    if not mail.html:
        raise Http404("This email has no HTML part.")
    response = HttpResponse(mail.html, content_type="text/html; charset=utf-8")
    # The email's links carry signed patient tokens: a click inside the frame must not hand them on.
    response["Referrer-Policy"] = "no-referrer"
    return response
