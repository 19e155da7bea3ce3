"""The mail outbox (embedded mode): what patients would have received, read from var/mail/.

Open to the roles that handle patient emails, and showing each user only their clinics' patients' emails
(frontdesk.outbox), as the API's email list does.
"""

from __future__ import annotations

from django.http import Http404

from frontdesk import outbox
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.views.common import render_in


@staff_page(BOOKING_ROLES)
def mail_list(request):
    mails = outbox.mail_list(user=request.user) if outbox.enabled() else []
    context = {"enabled": outbox.enabled(), "mails": mails, "limit": outbox.LIST_LIMIT}
    return render_in(request, "frontdesk/outbox.html", context)


@staff_page(BOOKING_ROLES)
def mail_detail(request, name: str, index: int):
    mail = outbox.mail_get(user=request.user, name=name, index=index) if outbox.enabled() else None
    if mail is None:
        raise Http404("No such email.")
    return render_in(request, "frontdesk/mail.html", {"mail": mail})
