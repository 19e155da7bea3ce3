from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.episode_visit_choice_request import EpisodeVisitChoiceRequest


T = TypeVar("T", bound="EpisodeBookRequest")


@_attrs_define
class EpisodeBookRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        clinic (int): Where the episode takes place (id).
        patient (int): The patient (id).
        protocol (int): The pump protocol (id): the clinic's own or a shared one.
        fitting_start (str): When the fitting starts. With an offset (2027-03-02T14:00:00Z, 2027-03-02T09:00-05:00) it
            is that instant; without one (2027-03-02T09:00) it is a wall-clock time in the clinic's time zone. Years
            1900-2999. Example: 2027-03-02T09:00.
        pump (int | None | Unset): The pump (id); left out or null, the first pump free for the whole episode.
        course (int | None | Unset): The patient's course this episode joins as its next (id); left out or null: a new
            course.
        visits (list[EpisodeVisitChoiceRequest] | Unset): Chairs and nurses chosen for some visits, by day; the others
            are chosen by the system.
    """

    clinic: int
    patient: int
    protocol: int
    fitting_start: str
    pump: int | None | Unset = UNSET
    course: int | None | Unset = UNSET
    visits: list[EpisodeVisitChoiceRequest] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        patient = self.patient

        protocol = self.protocol

        fitting_start = self.fitting_start

        pump: int | None | Unset
        if isinstance(self.pump, Unset):
            pump = UNSET
        else:
            pump = self.pump

        course: int | None | Unset
        if isinstance(self.course, Unset):
            course = UNSET
        else:
            course = self.course

        visits: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.visits, Unset):
            visits = []
            for visits_item_data in self.visits:
                visits_item = visits_item_data.to_dict()
                visits.append(visits_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "patient": patient,
                "protocol": protocol,
                "fitting_start": fitting_start,
            }
        )
        if pump is not UNSET:
            field_dict["pump"] = pump
        if course is not UNSET:
            field_dict["course"] = course
        if visits is not UNSET:
            field_dict["visits"] = visits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.episode_visit_choice_request import EpisodeVisitChoiceRequest

        d = dict(src_dict)
        clinic = d.pop("clinic")

        patient = d.pop("patient")

        protocol = d.pop("protocol")

        fitting_start = d.pop("fitting_start")

        def _parse_pump(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pump = _parse_pump(d.pop("pump", UNSET))

        def _parse_course(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        course = _parse_course(d.pop("course", UNSET))

        _visits = d.pop("visits", UNSET)
        visits: list[EpisodeVisitChoiceRequest] | Unset = UNSET
        if _visits is not UNSET:
            visits = []
            for visits_item_data in _visits:
                visits_item = EpisodeVisitChoiceRequest.from_dict(visits_item_data)

                visits.append(visits_item)

        episode_book_request = cls(
            clinic=clinic,
            patient=patient,
            protocol=protocol,
            fitting_start=fitting_start,
            pump=pump,
            course=course,
            visits=visits,
        )

        episode_book_request.additional_properties = d
        return episode_book_request

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
