from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_status_enum import SessionStatusEnum

T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """One infusion session: where, when, with whom, its state and when each step happened.

    Attributes:
        id (int):
        cycle (int):
        patient (int):
        clinic (int):
        chair (int):
        nurse (int):
        sequence (int): k in 'session k of n'.
        session_count (int): n in 'session k of n'.
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        starts_local (datetime.datetime): The start in the clinic's time zone, with its offset.
        ends_local (datetime.datetime): The end in the clinic's time zone, with its offset.
        timezone (str): The clinic's IANA time zone.
        status (SessionStatusEnum): * `booked` - Booked
            * `confirmed` - Confirmed
            * `checked_in` - Checked in
            * `in_chair` - In chair
            * `completed` - Completed
            * `cancelled` - Cancelled
            * `late_cancelled` - Late-cancelled
            * `no_show` - No-show Default: SessionStatusEnum.BOOKED.
        version (int): Grows with every change; patient links bind to it.
        extra_monitoring (bool): Sessions 1–3 of a course: watch blood pressure closely.
        booked_at (datetime.datetime):
        confirmed_at (datetime.datetime | None):
        checked_in_at (datetime.datetime | None):
        chair_started_at (datetime.datetime | None): When the patient sat in the chair (the infusion started).
        completed_at (datetime.datetime | None):
        early_completion_reason (str): Why the session was completed before the protocol's chair time had passed; empty
            otherwise.
        cancelled_at (datetime.datetime | None):
        cancelled_by_party (str): Who cancelled: `patient` or `clinic`; empty unless cancelled.
        cancel_reason (str):
        no_show_at (datetime.datetime | None):
        reschedule_requested_at (datetime.datetime | None): When the patient asked, through the link in an email, to
            move this session; null when not asked, and cleared once it moves.
        made_up_for (int | None): A make-up session: the cancelled or missed session of the course it replaces (id);
            null for a session booked with the course.
    """

    id: int
    cycle: int
    patient: int
    clinic: int
    chair: int
    nurse: int
    sequence: int
    session_count: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_local: datetime.datetime
    ends_local: datetime.datetime
    timezone: str
    version: int
    extra_monitoring: bool
    booked_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    checked_in_at: datetime.datetime | None
    chair_started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    early_completion_reason: str
    cancelled_at: datetime.datetime | None
    cancelled_by_party: str
    cancel_reason: str
    no_show_at: datetime.datetime | None
    reschedule_requested_at: datetime.datetime | None
    made_up_for: int | None
    status: SessionStatusEnum = SessionStatusEnum.BOOKED
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        cycle = self.cycle

        patient = self.patient

        clinic = self.clinic

        chair = self.chair

        nurse = self.nurse

        sequence = self.sequence

        session_count = self.session_count

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        starts_local = self.starts_local.isoformat()

        ends_local = self.ends_local.isoformat()

        timezone = self.timezone

        status = self.status.value

        version = self.version

        extra_monitoring = self.extra_monitoring

        booked_at = self.booked_at.isoformat()

        confirmed_at: None | str
        if isinstance(self.confirmed_at, datetime.datetime):
            confirmed_at = self.confirmed_at.isoformat()
        else:
            confirmed_at = self.confirmed_at

        checked_in_at: None | str
        if isinstance(self.checked_in_at, datetime.datetime):
            checked_in_at = self.checked_in_at.isoformat()
        else:
            checked_in_at = self.checked_in_at

        chair_started_at: None | str
        if isinstance(self.chair_started_at, datetime.datetime):
            chair_started_at = self.chair_started_at.isoformat()
        else:
            chair_started_at = self.chair_started_at

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        early_completion_reason = self.early_completion_reason

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        cancelled_by_party = self.cancelled_by_party

        cancel_reason = self.cancel_reason

        no_show_at: None | str
        if isinstance(self.no_show_at, datetime.datetime):
            no_show_at = self.no_show_at.isoformat()
        else:
            no_show_at = self.no_show_at

        reschedule_requested_at: None | str
        if isinstance(self.reschedule_requested_at, datetime.datetime):
            reschedule_requested_at = self.reschedule_requested_at.isoformat()
        else:
            reschedule_requested_at = self.reschedule_requested_at

        made_up_for: int | None
        made_up_for = self.made_up_for

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "cycle": cycle,
                "patient": patient,
                "clinic": clinic,
                "chair": chair,
                "nurse": nurse,
                "sequence": sequence,
                "session_count": session_count,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "starts_local": starts_local,
                "ends_local": ends_local,
                "timezone": timezone,
                "status": status,
                "version": version,
                "extra_monitoring": extra_monitoring,
                "booked_at": booked_at,
                "confirmed_at": confirmed_at,
                "checked_in_at": checked_in_at,
                "chair_started_at": chair_started_at,
                "completed_at": completed_at,
                "early_completion_reason": early_completion_reason,
                "cancelled_at": cancelled_at,
                "cancelled_by_party": cancelled_by_party,
                "cancel_reason": cancel_reason,
                "no_show_at": no_show_at,
                "reschedule_requested_at": reschedule_requested_at,
                "made_up_for": made_up_for,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        cycle = d.pop("cycle")

        patient = d.pop("patient")

        clinic = d.pop("clinic")

        chair = d.pop("chair")

        nurse = d.pop("nurse")

        sequence = d.pop("sequence")

        session_count = d.pop("session_count")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_local = datetime.datetime.fromisoformat(d.pop("starts_local"))

        ends_local = datetime.datetime.fromisoformat(d.pop("ends_local"))

        timezone = d.pop("timezone")

        status = SessionStatusEnum(d.pop("status"))

        version = d.pop("version")

        extra_monitoring = d.pop("extra_monitoring")

        booked_at = datetime.datetime.fromisoformat(d.pop("booked_at"))

        def _parse_confirmed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                confirmed_at_type_0 = datetime.datetime.fromisoformat(data)

                return confirmed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        confirmed_at = _parse_confirmed_at(d.pop("confirmed_at"))

        def _parse_checked_in_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                checked_in_at_type_0 = datetime.datetime.fromisoformat(data)

                return checked_in_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        checked_in_at = _parse_checked_in_at(d.pop("checked_in_at"))

        def _parse_chair_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                chair_started_at_type_0 = datetime.datetime.fromisoformat(data)

                return chair_started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        chair_started_at = _parse_chair_started_at(d.pop("chair_started_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        early_completion_reason = d.pop("early_completion_reason")

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        cancelled_by_party = d.pop("cancelled_by_party")

        cancel_reason = d.pop("cancel_reason")

        def _parse_no_show_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                no_show_at_type_0 = datetime.datetime.fromisoformat(data)

                return no_show_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        no_show_at = _parse_no_show_at(d.pop("no_show_at"))

        def _parse_reschedule_requested_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reschedule_requested_at_type_0 = datetime.datetime.fromisoformat(data)

                return reschedule_requested_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reschedule_requested_at = _parse_reschedule_requested_at(d.pop("reschedule_requested_at"))

        def _parse_made_up_for(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        made_up_for = _parse_made_up_for(d.pop("made_up_for"))

        session = cls(
            id=id,
            cycle=cycle,
            patient=patient,
            clinic=clinic,
            chair=chair,
            nurse=nurse,
            sequence=sequence,
            session_count=session_count,
            starts_at=starts_at,
            ends_at=ends_at,
            starts_local=starts_local,
            ends_local=ends_local,
            timezone=timezone,
            status=status,
            version=version,
            extra_monitoring=extra_monitoring,
            booked_at=booked_at,
            confirmed_at=confirmed_at,
            checked_in_at=checked_in_at,
            chair_started_at=chair_started_at,
            completed_at=completed_at,
            early_completion_reason=early_completion_reason,
            cancelled_at=cancelled_at,
            cancelled_by_party=cancelled_by_party,
            cancel_reason=cancel_reason,
            no_show_at=no_show_at,
            reschedule_requested_at=reschedule_requested_at,
            made_up_for=made_up_for,
        )

        session.additional_properties = d
        return session

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
