from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.episode_status_enum import EpisodeStatusEnum

if TYPE_CHECKING:
    from ..models.visit import Visit


T = TypeVar("T", bound="Episode")


@_attrs_define
class Episode:
    """One pump episode: the pump worn from the fitting to the removal, its visits, its state and each step's time.

    Attributes:
        id (int):
        course (int):
        number (int): k in 'episode k of n'.
        episodes_per_course (int): n in 'episode k of n'.
        protocol (int): The pump protocol (id).
        clinic (int):
        patient (int):
        pump (int):
        pump_label (str):
        status (EpisodeStatusEnum): * `booked` - Booked
            * `fitted` - Pump fitted
            * `removed` - Pump removed
            * `returned` - Pump returned
            * `cancelled` - Cancelled Default: EpisodeStatusEnum.BOOKED.
        version (int): Grows with every change (a visit recorded too); patient links bind to it.
        starts_at (datetime.datetime): The fitting visit's start.
        ends_at (datetime.datetime): The removal's end as booked; an early removal moves it to the removal.
        pump_until (datetime.datetime): When the pump may next be fitted: the removal's end plus the turnaround as
            booked; after the return, the return plus the turnaround. A pump not yet returned is held past it until it is.
        starts_local (datetime.datetime): The fitting's start in the clinic's time zone.
        ends_local (datetime.datetime): The removal's end in the clinic's time zone.
        timezone (str): The clinic's IANA time zone.
        booked_at (datetime.datetime):
        fitted_at (datetime.datetime | None):
        removed_at (datetime.datetime | None):
        early_removal_reason (str):
        returned_at (datetime.datetime | None):
        cancelled_at (datetime.datetime | None):
        cancel_reason (str):
        visits (list[Visit]): The fitting, the daily reviews and the removal, in order.
    """

    id: int
    course: int
    number: int
    episodes_per_course: int
    protocol: int
    clinic: int
    patient: int
    pump: int
    pump_label: str
    version: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    pump_until: datetime.datetime
    starts_local: datetime.datetime
    ends_local: datetime.datetime
    timezone: str
    booked_at: datetime.datetime
    fitted_at: datetime.datetime | None
    removed_at: datetime.datetime | None
    early_removal_reason: str
    returned_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str
    visits: list[Visit]
    status: EpisodeStatusEnum = EpisodeStatusEnum.BOOKED
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        course = self.course

        number = self.number

        episodes_per_course = self.episodes_per_course

        protocol = self.protocol

        clinic = self.clinic

        patient = self.patient

        pump = self.pump

        pump_label = self.pump_label

        status = self.status.value

        version = self.version

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        pump_until = self.pump_until.isoformat()

        starts_local = self.starts_local.isoformat()

        ends_local = self.ends_local.isoformat()

        timezone = self.timezone

        booked_at = self.booked_at.isoformat()

        fitted_at: None | str
        if isinstance(self.fitted_at, datetime.datetime):
            fitted_at = self.fitted_at.isoformat()
        else:
            fitted_at = self.fitted_at

        removed_at: None | str
        if isinstance(self.removed_at, datetime.datetime):
            removed_at = self.removed_at.isoformat()
        else:
            removed_at = self.removed_at

        early_removal_reason = self.early_removal_reason

        returned_at: None | str
        if isinstance(self.returned_at, datetime.datetime):
            returned_at = self.returned_at.isoformat()
        else:
            returned_at = self.returned_at

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        cancel_reason = self.cancel_reason

        visits = []
        for visits_item_data in self.visits:
            visits_item = visits_item_data.to_dict()
            visits.append(visits_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "course": course,
                "number": number,
                "episodes_per_course": episodes_per_course,
                "protocol": protocol,
                "clinic": clinic,
                "patient": patient,
                "pump": pump,
                "pump_label": pump_label,
                "status": status,
                "version": version,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "pump_until": pump_until,
                "starts_local": starts_local,
                "ends_local": ends_local,
                "timezone": timezone,
                "booked_at": booked_at,
                "fitted_at": fitted_at,
                "removed_at": removed_at,
                "early_removal_reason": early_removal_reason,
                "returned_at": returned_at,
                "cancelled_at": cancelled_at,
                "cancel_reason": cancel_reason,
                "visits": visits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.visit import Visit

        d = dict(src_dict)
        id = d.pop("id")

        course = d.pop("course")

        number = d.pop("number")

        episodes_per_course = d.pop("episodes_per_course")

        protocol = d.pop("protocol")

        clinic = d.pop("clinic")

        patient = d.pop("patient")

        pump = d.pop("pump")

        pump_label = d.pop("pump_label")

        status = EpisodeStatusEnum(d.pop("status"))

        version = d.pop("version")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        pump_until = datetime.datetime.fromisoformat(d.pop("pump_until"))

        starts_local = datetime.datetime.fromisoformat(d.pop("starts_local"))

        ends_local = datetime.datetime.fromisoformat(d.pop("ends_local"))

        timezone = d.pop("timezone")

        booked_at = datetime.datetime.fromisoformat(d.pop("booked_at"))

        def _parse_fitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                fitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return fitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        fitted_at = _parse_fitted_at(d.pop("fitted_at"))

        def _parse_removed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                removed_at_type_0 = datetime.datetime.fromisoformat(data)

                return removed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        removed_at = _parse_removed_at(d.pop("removed_at"))

        early_removal_reason = d.pop("early_removal_reason")

        def _parse_returned_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                returned_at_type_0 = datetime.datetime.fromisoformat(data)

                return returned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        returned_at = _parse_returned_at(d.pop("returned_at"))

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

        cancel_reason = d.pop("cancel_reason")

        visits = []
        _visits = d.pop("visits")
        for visits_item_data in _visits:
            visits_item = Visit.from_dict(visits_item_data)

            visits.append(visits_item)

        episode = cls(
            id=id,
            course=course,
            number=number,
            episodes_per_course=episodes_per_course,
            protocol=protocol,
            clinic=clinic,
            patient=patient,
            pump=pump,
            pump_label=pump_label,
            status=status,
            version=version,
            starts_at=starts_at,
            ends_at=ends_at,
            pump_until=pump_until,
            starts_local=starts_local,
            ends_local=ends_local,
            timezone=timezone,
            booked_at=booked_at,
            fitted_at=fitted_at,
            removed_at=removed_at,
            early_removal_reason=early_removal_reason,
            returned_at=returned_at,
            cancelled_at=cancelled_at,
            cancel_reason=cancel_reason,
            visits=visits,
        )

        episode.additional_properties = d
        return episode

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
