from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EntryCreateRequest")


@_attrs_define
class EntryCreateRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        clinic (int): A clinic of yours.
        patient (int):
        protocol (int | None | Unset): A new course of this protocol (give this or `session`).
        session (int | None | Unset): A booked session the patient wants earlier (give this or `protocol`).
        weekdays (list[int] | Unset): Weekdays that suit, 0 = Monday; empty or left out: any.
        time_from (None | str | Unset): Starts at or after (clinic time). Example: 08:00.
        time_to (None | str | Unset): Ends by (clinic time). Example: 08:00.
        earliest_date (datetime.date | None | Unset):
        latest_date (datetime.date | None | Unset):
        notes (str | Unset):
    """

    clinic: int
    patient: int
    protocol: int | None | Unset = UNSET
    session: int | None | Unset = UNSET
    weekdays: list[int] | Unset = UNSET
    time_from: None | str | Unset = UNSET
    time_to: None | str | Unset = UNSET
    earliest_date: datetime.date | None | Unset = UNSET
    latest_date: datetime.date | None | Unset = UNSET
    notes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        patient = self.patient

        protocol: int | None | Unset
        if isinstance(self.protocol, Unset):
            protocol = UNSET
        else:
            protocol = self.protocol

        session: int | None | Unset
        if isinstance(self.session, Unset):
            session = UNSET
        else:
            session = self.session

        weekdays: list[int] | Unset = UNSET
        if not isinstance(self.weekdays, Unset):
            weekdays = self.weekdays

        time_from: None | str | Unset
        if isinstance(self.time_from, Unset):
            time_from = UNSET
        else:
            time_from = self.time_from

        time_to: None | str | Unset
        if isinstance(self.time_to, Unset):
            time_to = UNSET
        else:
            time_to = self.time_to

        earliest_date: None | str | Unset
        if isinstance(self.earliest_date, Unset):
            earliest_date = UNSET
        elif isinstance(self.earliest_date, datetime.date):
            earliest_date = self.earliest_date.isoformat()
        else:
            earliest_date = self.earliest_date

        latest_date: None | str | Unset
        if isinstance(self.latest_date, Unset):
            latest_date = UNSET
        elif isinstance(self.latest_date, datetime.date):
            latest_date = self.latest_date.isoformat()
        else:
            latest_date = self.latest_date

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "patient": patient,
            }
        )
        if protocol is not UNSET:
            field_dict["protocol"] = protocol
        if session is not UNSET:
            field_dict["session"] = session
        if weekdays is not UNSET:
            field_dict["weekdays"] = weekdays
        if time_from is not UNSET:
            field_dict["time_from"] = time_from
        if time_to is not UNSET:
            field_dict["time_to"] = time_to
        if earliest_date is not UNSET:
            field_dict["earliest_date"] = earliest_date
        if latest_date is not UNSET:
            field_dict["latest_date"] = latest_date
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        patient = d.pop("patient")

        def _parse_protocol(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        protocol = _parse_protocol(d.pop("protocol", UNSET))

        def _parse_session(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        session = _parse_session(d.pop("session", UNSET))

        weekdays = cast(list[int], d.pop("weekdays", UNSET))

        def _parse_time_from(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_from = _parse_time_from(d.pop("time_from", UNSET))

        def _parse_time_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_to = _parse_time_to(d.pop("time_to", UNSET))

        def _parse_earliest_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                earliest_date_type_0 = datetime.date.fromisoformat(data)

                return earliest_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        earliest_date = _parse_earliest_date(d.pop("earliest_date", UNSET))

        def _parse_latest_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_date_type_0 = datetime.date.fromisoformat(data)

                return latest_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        latest_date = _parse_latest_date(d.pop("latest_date", UNSET))

        notes = d.pop("notes", UNSET)

        entry_create_request = cls(
            clinic=clinic,
            patient=patient,
            protocol=protocol,
            session=session,
            weekdays=weekdays,
            time_from=time_from,
            time_to=time_to,
            earliest_date=earliest_date,
            latest_date=latest_date,
            notes=notes,
        )

        entry_create_request.additional_properties = d
        return entry_create_request

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
