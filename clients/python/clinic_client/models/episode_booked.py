from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.episode_booked_status_enum import EpisodeBookedStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.booked_visit import BookedVisit


T = TypeVar("T", bound="EpisodeBooked")


@_attrs_define
class EpisodeBooked:
    """The episode as booked (a minimal read; pumps.api.serializers.EpisodeSerializer is the full one).

    Attributes:
        id (int):
        course (int):
        number (int): k in 'episode k of n'.
        clinic (int):
        timezone (str):
        patient (int):
        pump (int):
        pump_label (str):
        starts_at (datetime.datetime): The fitting visit's start.
        ends_at (datetime.datetime): The removal visit's end (as booked; an early removal moves it).
        pump_until (datetime.datetime): When the pump may next be fitted: removal end + turnaround.
        booked_at (datetime.datetime):
        visits (list[BookedVisit]):
        status (EpisodeBookedStatusEnum | Unset): * `booked` - Booked
            * `fitted` - Pump fitted
            * `removed` - Pump removed
            * `returned` - Pump returned
            * `cancelled` - Cancelled Default: EpisodeBookedStatusEnum.BOOKED.
        version (int | Unset): Grows on every change; patient links bind to it.
    """

    id: int
    course: int
    number: int
    clinic: int
    timezone: str
    patient: int
    pump: int
    pump_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    pump_until: datetime.datetime
    booked_at: datetime.datetime
    visits: list[BookedVisit]
    status: EpisodeBookedStatusEnum | Unset = EpisodeBookedStatusEnum.BOOKED
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        course = self.course

        number = self.number

        clinic = self.clinic

        timezone = self.timezone

        patient = self.patient

        pump = self.pump

        pump_label = self.pump_label

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        pump_until = self.pump_until.isoformat()

        booked_at = self.booked_at.isoformat()

        visits = []
        for visits_item_data in self.visits:
            visits_item = visits_item_data.to_dict()
            visits.append(visits_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "course": course,
                "number": number,
                "clinic": clinic,
                "timezone": timezone,
                "patient": patient,
                "pump": pump,
                "pump_label": pump_label,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "pump_until": pump_until,
                "booked_at": booked_at,
                "visits": visits,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.booked_visit import BookedVisit

        d = dict(src_dict)
        id = d.pop("id")

        course = d.pop("course")

        number = d.pop("number")

        clinic = d.pop("clinic")

        timezone = d.pop("timezone")

        patient = d.pop("patient")

        pump = d.pop("pump")

        pump_label = d.pop("pump_label")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        pump_until = datetime.datetime.fromisoformat(d.pop("pump_until"))

        booked_at = datetime.datetime.fromisoformat(d.pop("booked_at"))

        visits = []
        _visits = d.pop("visits")
        for visits_item_data in _visits:
            visits_item = BookedVisit.from_dict(visits_item_data)

            visits.append(visits_item)

        _status = d.pop("status", UNSET)
        status: EpisodeBookedStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = EpisodeBookedStatusEnum(_status)

        version = d.pop("version", UNSET)

        episode_booked = cls(
            id=id,
            course=course,
            number=number,
            clinic=clinic,
            timezone=timezone,
            patient=patient,
            pump=pump,
            pump_label=pump_label,
            starts_at=starts_at,
            ends_at=ends_at,
            pump_until=pump_until,
            booked_at=booked_at,
            visits=visits,
            status=status,
            version=version,
        )

        episode_booked.additional_properties = d
        return episode_booked

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
