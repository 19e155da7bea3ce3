from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reminder_status_enum import ReminderStatusEnum

T = TypeVar("T", bound="Reminder")


@_attrs_define
class Reminder:
    """One email to one patient about one session (or its course): when it is due, and how sending went.

    Attributes:
        id (int):
        session (int): The session it is about (for a course-wide email, the course's first or last).
        cycle (int): The course (id).
        patient (int): The patient (id).
        clinic (int):
        kind (str): confirmation, moved, cancelled, cycle_cancelled, booster_recall, or reminder_<hours>h.
        session_version (int): The session's version when this row was written.
        due_at (datetime.datetime): When it is meant to go (UTC), quiet hours applied.
        send_after (datetime.datetime): Not before this: the due time, or the next retry.
        status (ReminderStatusEnum):
        status_reason (str): Why it was skipped or cancelled.
        attempts (int):
        last_error (str): The last sending error (the mail server's words, any email address replaced).
        sent_at (datetime.datetime | None): When the mail server accepted it.
        message_id (str): The Message-ID it was sent with (or the provider's id).
        resends (int): How many times staff sent it again.
        created_at (datetime.datetime):
    """

    id: int
    session: int
    cycle: int
    patient: int
    clinic: int
    kind: str
    session_version: int
    due_at: datetime.datetime
    send_after: datetime.datetime
    status: ReminderStatusEnum
    status_reason: str
    attempts: int
    last_error: str
    sent_at: datetime.datetime | None
    message_id: str
    resends: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        session = self.session

        cycle = self.cycle

        patient = self.patient

        clinic = self.clinic

        kind = self.kind

        session_version = self.session_version

        due_at = self.due_at.isoformat()

        send_after = self.send_after.isoformat()

        status = self.status.value

        status_reason = self.status_reason

        attempts = self.attempts

        last_error = self.last_error

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        message_id = self.message_id

        resends = self.resends

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "session": session,
                "cycle": cycle,
                "patient": patient,
                "clinic": clinic,
                "kind": kind,
                "session_version": session_version,
                "due_at": due_at,
                "send_after": send_after,
                "status": status,
                "status_reason": status_reason,
                "attempts": attempts,
                "last_error": last_error,
                "sent_at": sent_at,
                "message_id": message_id,
                "resends": resends,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        session = d.pop("session")

        cycle = d.pop("cycle")

        patient = d.pop("patient")

        clinic = d.pop("clinic")

        kind = d.pop("kind")

        session_version = d.pop("session_version")

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        send_after = datetime.datetime.fromisoformat(d.pop("send_after"))

        status = ReminderStatusEnum(d.pop("status"))

        status_reason = d.pop("status_reason")

        attempts = d.pop("attempts")

        last_error = d.pop("last_error")

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        message_id = d.pop("message_id")

        resends = d.pop("resends")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        reminder = cls(
            id=id,
            session=session,
            cycle=cycle,
            patient=patient,
            clinic=clinic,
            kind=kind,
            session_version=session_version,
            due_at=due_at,
            send_after=send_after,
            status=status,
            status_reason=status_reason,
            attempts=attempts,
            last_error=last_error,
            sent_at=sent_at,
            message_id=message_id,
            resends=resends,
            created_at=created_at,
        )

        reminder.additional_properties = d
        return reminder

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
