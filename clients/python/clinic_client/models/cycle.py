from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.cycle_status_enum import CycleStatusEnum
from ..models.review_reason_enum import ReviewReasonEnum

if TYPE_CHECKING:
    from ..models.progress import Progress
    from ..models.session import Session
    from ..models.warning import Warning_


T = TypeVar("T", bound="Cycle")


@_attrs_define
class Cycle:
    """A course with its sessions in order and its progress.

    Attributes:
        id (int):
        patient (int):
        protocol (int):
        clinic (int):
        timezone (str): The clinic's IANA time zone.
        status (CycleStatusEnum): * `planned` - Planned
            * `active` - Active
            * `completed` - Completed
            * `cancelled` - Cancelled
            * `abandoned` - Abandoned
        session_count (int): n: sessions in the course.
        version (int):
        needs_review (bool): Flagged for a clinician's review (after session 3, or an early miss).
        review_reason (BlankEnum | ReviewReasonEnum): Why the course is flagged: after_session, early_dropout; empty
            when it is not.

            * `after_session` - Review after session 3
            * `early_dropout` - Missed or cancelled early in the course
        created_at (datetime.datetime):
        ended_at (datetime.datetime | None):
        cancel_reason (str):
        progress (Progress):
        warnings (list[Warning_]): What the rules allowed but the desk should know, e.g. window_warning. Given when the
            course is booked; empty elsewhere.
        sessions (list[Session]): Every session of the course, by sequence.
        sessions_short (int): How many sessions the course lacks to reach `session_count` (cancelled or missed ones not
            made up); 0 once it has ended. A short course may get a make-up: `POST /api/v1/cycles/{id}/make-up/`.
    """

    id: int
    patient: int
    protocol: int
    clinic: int
    timezone: str
    status: CycleStatusEnum
    session_count: int
    version: int
    needs_review: bool
    review_reason: BlankEnum | ReviewReasonEnum
    created_at: datetime.datetime
    ended_at: datetime.datetime | None
    cancel_reason: str
    progress: Progress
    warnings: list[Warning_]
    sessions: list[Session]
    sessions_short: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        patient = self.patient

        protocol = self.protocol

        clinic = self.clinic

        timezone = self.timezone

        status = self.status.value

        session_count = self.session_count

        version = self.version

        needs_review = self.needs_review

        review_reason: str
        if isinstance(self.review_reason, ReviewReasonEnum):
            review_reason = self.review_reason.value
        else:
            review_reason = self.review_reason.value

        created_at = self.created_at.isoformat()

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        cancel_reason = self.cancel_reason

        progress = self.progress.to_dict()

        warnings = []
        for warnings_item_data in self.warnings:
            warnings_item = warnings_item_data.to_dict()
            warnings.append(warnings_item)

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        sessions_short = self.sessions_short

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "patient": patient,
                "protocol": protocol,
                "clinic": clinic,
                "timezone": timezone,
                "status": status,
                "session_count": session_count,
                "version": version,
                "needs_review": needs_review,
                "review_reason": review_reason,
                "created_at": created_at,
                "ended_at": ended_at,
                "cancel_reason": cancel_reason,
                "progress": progress,
                "warnings": warnings,
                "sessions": sessions,
                "sessions_short": sessions_short,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.progress import Progress
        from ..models.session import Session
        from ..models.warning import Warning_

        d = dict(src_dict)
        id = d.pop("id")

        patient = d.pop("patient")

        protocol = d.pop("protocol")

        clinic = d.pop("clinic")

        timezone = d.pop("timezone")

        status = CycleStatusEnum(d.pop("status"))

        session_count = d.pop("session_count")

        version = d.pop("version")

        needs_review = d.pop("needs_review")

        def _parse_review_reason(data: object) -> BlankEnum | ReviewReasonEnum:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                review_reason_type_0 = ReviewReasonEnum(data)

                return review_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            review_reason_type_1 = BlankEnum(data)

            return review_reason_type_1

        review_reason = _parse_review_reason(d.pop("review_reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        cancel_reason = d.pop("cancel_reason")

        progress = Progress.from_dict(d.pop("progress"))

        warnings = []
        _warnings = d.pop("warnings")
        for warnings_item_data in _warnings:
            warnings_item = Warning_.from_dict(warnings_item_data)

            warnings.append(warnings_item)

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = Session.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        sessions_short = d.pop("sessions_short")

        cycle = cls(
            id=id,
            patient=patient,
            protocol=protocol,
            clinic=clinic,
            timezone=timezone,
            status=status,
            session_count=session_count,
            version=version,
            needs_review=needs_review,
            review_reason=review_reason,
            created_at=created_at,
            ended_at=ended_at,
            cancel_reason=cancel_reason,
            progress=progress,
            warnings=warnings,
            sessions=sessions,
            sessions_short=sessions_short,
        )

        cycle.additional_properties = d
        return cycle

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
