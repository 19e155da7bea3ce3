"""The embedded mode's outbox: the emails Django's file backend wrote to settings.EMAIL_FILE_PATH (var/mail/).

The backend writes one file per connection, `YYYYMMDD-HHMMSS-<n>.log`, holding each message followed by a
line of 79 dashes. Nothing here writes; a file that cannot be read or parsed is skipped.

A user sees only the emails of their clinics' patients (a superuser: all). A patient email's Message-ID,
`<reminder.<id>.<resends>@EMAIL_MESSAGE_ID_DOMAIN>` (notifications.services.message_id_for), names its outbox
row and so its clinic; an email naming no row of this deployment is shown to superusers only. Each email's
time is shown in its clinic's zone (`Mail.zone`); one naming no row, in the zone the page is shown in.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from frontdesk.selectors import patient_email_zones

_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
_NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]+\.log$")
_MESSAGE_ID = re.compile(r"^<reminder\.([0-9]{1,18})\.[0-9]+@([^>]+)>$")
#: The list shows at most this many messages.
LIST_LIMIT = 200
#: The list looks through at most this many of the newest messages for the ones a user may see.
SCAN_LIMIT = 5000


@dataclass
class Mail:
    file: str
    index: int
    subject: str
    to: str
    sender: str
    date: object
    #: The patient email (outbox row) this message is, from its Message-ID; None for any other message.
    email_id: int | None = None
    text: str = ""
    #: The HTML part, as the patient's mail app shows it ("" when the message has none).
    html: str = ""
    attachments: list[str] = field(default_factory=list)
    #: The IANA zone its time is shown in: its clinic's, else the page's.
    zone: str = ""


def enabled() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend" and bool(
        getattr(settings, "EMAIL_FILE_PATH", None)
    )


def _folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def _messages(path: Path, *, headers_only: bool = False) -> list[EmailMessage]:
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    parser = email.parser.BytesParser(policy=email.policy.default)
    return [
        parser.parsebytes(chunk.lstrip(b"\n"), headersonly=headers_only)
        for chunk in raw.split(_SEPARATOR)
        if chunk.strip()
    ]


def _email_id(message: EmailMessage) -> int | None:
    match = _MESSAGE_ID.match(str(message["Message-ID"] or "").strip())
    if match is None or match[2] != settings.EMAIL_MESSAGE_ID_DOMAIN:
        return None
    return int(match[1])


def _visible(user, mails: list[Mail]) -> list[Mail]:
    """The mails the user may read, each with the zone its time is shown in: one query, however many."""
    zones = patient_email_zones(user=user, ids={m.email_id for m in mails if m.email_id is not None})
    here = timezone.get_current_timezone_name()
    for mail in mails:
        mail.zone = zones.get(mail.email_id, here) if mail.email_id is not None else here
    if user.is_superuser:
        return mails
    return [m for m in mails if m.email_id in zones]


def _mail(name: str, index: int, message: EmailMessage, *, full: bool) -> Mail:
    try:
        date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    mail = Mail(
        name, index, str(message["Subject"] or "(no subject)"), str(message["To"] or ""), str(message["From"] or ""),
        date, _email_id(message),
    )
    if full:
        body = message.get_body(preferencelist=("plain", "html"))
        mail.text = body.get_content() if body is not None else ""
        html = message.get_body(preferencelist=("html",))
        mail.html = html.get_content() if html is not None else ""
        mail.attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    return mail


def mail_list(*, user, limit: int = LIST_LIMIT) -> list[Mail]:
    """The newest messages the user may read first (files by time written, then name).

    Only the newest SCAN_LIMIT messages in the folder are looked through, so a page stays quick however
    many files pile up.
    """
    folder = _folder()
    if not folder.is_dir():
        return []
    found: list[Mail] = []
    scan = limit if user.is_superuser else SCAN_LIMIT
    for path in sorted((p for p in folder.iterdir() if _NAME.match(p.name)), key=lambda p: (p.stat().st_mtime, p.name), reverse=True):
        for index, message in reversed(list(enumerate(_messages(path, headers_only=True)))):
            found.append(_mail(path.name, index, message, full=False))
            if len(found) >= scan:
                return _visible(user, found)[:limit]
    return _visible(user, found)[:limit]


def mail_get(*, user, name: str, index: int) -> Mail | None:
    """One message, with its text and attachment names; None for a name the backend would not write, or for
    a message the user may not read."""
    if not _NAME.match(name):
        return None
    path = _folder() / name
    messages = _messages(path) if path.is_file() else []
    if not 0 <= index < len(messages):
        return None
    mail = _mail(name, index, messages[index], full=True)
    return mail if _visible(user, [mail]) else None
