from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProposalRequestRequest")


@_attrs_define
class ProposalRequestRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        patient (int): The patient (id): their other sessions are kept clear of.
        protocol (int): The protocol (id): the clinic's own or a shared template.
        clinic (int): Where the sessions would take place (id).
        earliest_date (datetime.date): The first day the course may start (clinic date); today at the earliest.
        weekdays (list[int] | Unset): Days the patient can come, 0 = Monday … 6 = Sunday. Left out: any day the clinic
            is open.
        time_from (str | Unset): Sessions start at or after this clinic time. Example: 08:00.
        time_to (str | Unset): Sessions end by this clinic time. Example: 08:00.
        chair (int | None | Unset): A preferred chair, taken whenever it is free.
        nurse (int | None | Unset): A preferred nurse, taken whenever free.
    """

    patient: int
    protocol: int
    clinic: int
    earliest_date: datetime.date
    weekdays: list[int] | Unset = UNSET
    time_from: str | Unset = UNSET
    time_to: str | Unset = UNSET
    chair: int | None | Unset = UNSET
    nurse: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        patient = self.patient

        protocol = self.protocol

        clinic = self.clinic

        earliest_date = self.earliest_date.isoformat()

        weekdays: list[int] | Unset = UNSET
        if not isinstance(self.weekdays, Unset):
            weekdays = self.weekdays

        time_from = self.time_from

        time_to = self.time_to

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

        nurse: int | None | Unset
        if isinstance(self.nurse, Unset):
            nurse = UNSET
        else:
            nurse = self.nurse

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "patient": patient,
                "protocol": protocol,
                "clinic": clinic,
                "earliest_date": earliest_date,
            }
        )
        if weekdays is not UNSET:
            field_dict["weekdays"] = weekdays
        if time_from is not UNSET:
            field_dict["time_from"] = time_from
        if time_to is not UNSET:
            field_dict["time_to"] = time_to
        if chair is not UNSET:
            field_dict["chair"] = chair
        if nurse is not UNSET:
            field_dict["nurse"] = nurse

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        patient = d.pop("patient")

        protocol = d.pop("protocol")

        clinic = d.pop("clinic")

        earliest_date = datetime.date.fromisoformat(d.pop("earliest_date"))

        weekdays = cast(list[int], d.pop("weekdays", UNSET))

        time_from = d.pop("time_from", UNSET)

        time_to = d.pop("time_to", UNSET)

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        def _parse_nurse(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        nurse = _parse_nurse(d.pop("nurse", UNSET))

        proposal_request_request = cls(
            patient=patient,
            protocol=protocol,
            clinic=clinic,
            earliest_date=earliest_date,
            weekdays=weekdays,
            time_from=time_from,
            time_to=time_to,
            chair=chair,
            nurse=nurse,
        )

        proposal_request_request.additional_properties = d
        return proposal_request_request

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
