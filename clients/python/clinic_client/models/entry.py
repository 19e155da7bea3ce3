from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.entry_kind_enum import EntryKindEnum
from ..models.entry_status_enum import EntryStatusEnum

if TYPE_CHECKING:
    from ..models.offer import Offer


T = TypeVar("T", bound="Entry")


@_attrs_define
class Entry:
    """
    Attributes:
        id (int):
        clinic (int):
        patient (int):
        kind (EntryKindEnum): * `course` - New course
            * `session` - Earlier session
        protocol (int | None):
        session (int | None):
        weekdays (list[int]):
        time_from (None | str): A wall-clock time, HH:MM[:SS], with no offset. Example: 08:00.
        time_to (None | str): A wall-clock time, HH:MM[:SS], with no offset. Example: 08:00.
        earliest_date (datetime.date | None):
        latest_date (datetime.date | None):
        status (EntryStatusEnum): * `waiting` - Waiting
            * `offered` - Offered
            * `booked` - Booked
            * `withdrawn` - Withdrawn
        notes (str):
        created_at (datetime.datetime):
        offers (list[Offer]):
    """

    id: int
    clinic: int
    patient: int
    kind: EntryKindEnum
    protocol: int | None
    session: int | None
    weekdays: list[int]
    time_from: None | str
    time_to: None | str
    earliest_date: datetime.date | None
    latest_date: datetime.date | None
    status: EntryStatusEnum
    notes: str
    created_at: datetime.datetime
    offers: list[Offer]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        clinic = self.clinic

        patient = self.patient

        kind = self.kind.value

        protocol: int | None
        protocol = self.protocol

        session: int | None
        session = self.session

        weekdays = self.weekdays

        time_from: None | str
        time_from = self.time_from

        time_to: None | str
        time_to = self.time_to

        earliest_date: None | str
        if isinstance(self.earliest_date, datetime.date):
            earliest_date = self.earliest_date.isoformat()
        else:
            earliest_date = self.earliest_date

        latest_date: None | str
        if isinstance(self.latest_date, datetime.date):
            latest_date = self.latest_date.isoformat()
        else:
            latest_date = self.latest_date

        status = self.status.value

        notes = self.notes

        created_at = self.created_at.isoformat()

        offers = []
        for offers_item_data in self.offers:
            offers_item = offers_item_data.to_dict()
            offers.append(offers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "patient": patient,
                "kind": kind,
                "protocol": protocol,
                "session": session,
                "weekdays": weekdays,
                "time_from": time_from,
                "time_to": time_to,
                "earliest_date": earliest_date,
                "latest_date": latest_date,
                "status": status,
                "notes": notes,
                "created_at": created_at,
                "offers": offers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.offer import Offer

        d = dict(src_dict)
        id = d.pop("id")

        clinic = d.pop("clinic")

        patient = d.pop("patient")

        kind = EntryKindEnum(d.pop("kind"))

        def _parse_protocol(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        protocol = _parse_protocol(d.pop("protocol"))

        def _parse_session(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        session = _parse_session(d.pop("session"))

        weekdays = cast(list[int], d.pop("weekdays"))

        def _parse_time_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        time_from = _parse_time_from(d.pop("time_from"))

        def _parse_time_to(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        time_to = _parse_time_to(d.pop("time_to"))

        def _parse_earliest_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                earliest_date_type_0 = datetime.date.fromisoformat(data)

                return earliest_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        earliest_date = _parse_earliest_date(d.pop("earliest_date"))

        def _parse_latest_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_date_type_0 = datetime.date.fromisoformat(data)

                return latest_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        latest_date = _parse_latest_date(d.pop("latest_date"))

        status = EntryStatusEnum(d.pop("status"))

        notes = d.pop("notes")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        offers = []
        _offers = d.pop("offers")
        for offers_item_data in _offers:
            offers_item = Offer.from_dict(offers_item_data)

            offers.append(offers_item)

        entry = cls(
            id=id,
            clinic=clinic,
            patient=patient,
            kind=kind,
            protocol=protocol,
            session=session,
            weekdays=weekdays,
            time_from=time_from,
            time_to=time_to,
            earliest_date=earliest_date,
            latest_date=latest_date,
            status=status,
            notes=notes,
            created_at=created_at,
            offers=offers,
        )

        entry.additional_properties = d
        return entry

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
