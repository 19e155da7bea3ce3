"""The embedded mode's outbox: the emails Django's file backend wrote to settings.EMAIL_FILE_PATH (var/mail/).

The backend writes one file per connection, `YYYYMMDD-HHMMSS-<n>.log`, holding each message followed by a
line of 79 dashes. Nothing here writes; a file that cannot be read or parsed is skipped.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
_NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]+\.log$")
#: The list shows at most this many messages.
LIST_LIMIT = 200


@dataclass
class Mail:
    file: str
    index: int
    subject: str
    to: str
    sender: str
    date: object
    text: str = ""
    attachments: list[str] = field(default_factory=list)


def enabled() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend" and bool(
        getattr(settings, "EMAIL_FILE_PATH", None)
    )


def _folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def _messages(path: Path) -> list[EmailMessage]:
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    return [
        email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
        for chunk in raw.split(_SEPARATOR)
        if chunk.strip()
    ]


def _mail(name: str, index: int, message: EmailMessage, *, full: bool) -> Mail:
    try:
        date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    mail = Mail(name, index, str(message["Subject"] or "(no subject)"), str(message["To"] or ""), str(message["From"] or ""), date)
    if full:
        body = message.get_body(preferencelist=("plain", "html"))
        mail.text = body.get_content() if body is not None else ""
        mail.attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    return mail


def mail_list(limit: int = LIST_LIMIT) -> list[Mail]:
    """The newest messages first (files by name, which starts with the time written)."""
    folder = _folder()
    if not folder.is_dir():
        return []
    found: list[Mail] = []
    for path in sorted((p for p in folder.iterdir() if _NAME.match(p.name)), key=lambda p: (p.stat().st_mtime, p.name), reverse=True):
        for index, message in reversed(list(enumerate(_messages(path)))):
            found.append(_mail(path.name, index, message, full=False))
            if len(found) >= limit:
                return found
    return found


def mail_get(name: str, index: int) -> Mail | None:
    """One message, with its text and attachment names; None for a name the backend would not write."""
    if not _NAME.match(name):
        return None
    path = _folder() / name
    messages = _messages(path) if path.is_file() else []
    if not 0 <= index < len(messages):
        return None
    return _mail(name, index, messages[index], full=True)
