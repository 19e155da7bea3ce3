"""The mail outbox (embedded mode): what patients would have received, read from var/mail/."""

from __future__ import annotations

from django.http import Http404

from frontdesk import outbox
from frontdesk.access import ALL_ROLES, staff_page
from frontdesk.views.common import render_in


@staff_page(ALL_ROLES)
def mail_list(request):
    context = {"enabled": outbox.enabled(), "mails": outbox.mail_list() if outbox.enabled() else [], "limit": outbox.LIST_LIMIT}
    return render_in(request, "frontdesk/outbox.html", context)


@staff_page(ALL_ROLES)
def mail_detail(request, name: str, index: int):
    mail = outbox.mail_get(name, index) if outbox.enabled() else None
    if mail is None:
        raise Http404("No such email.")
    return render_in(request, "frontdesk/mail.html", {"mail": mail})
