from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.book_session_request import BookSessionRequest


T = TypeVar("T", bound="CycleBookRequest")


@_attrs_define
class CycleBookRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        patient (int): The patient (id).
        protocol (int): The protocol (id): the clinic's own or a shared template.
        clinic (int): Where the sessions take place (id).
        sessions (list[BookSessionRequest]): One entry per session of the protocol, in any order: they are numbered by
            time.
    """

    patient: int
    protocol: int
    clinic: int
    sessions: list[BookSessionRequest]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        patient = self.patient

        protocol = self.protocol

        clinic = self.clinic

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "patient": patient,
                "protocol": protocol,
                "clinic": clinic,
                "sessions": sessions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.book_session_request import BookSessionRequest

        d = dict(src_dict)
        patient = d.pop("patient")

        protocol = d.pop("protocol")

        clinic = d.pop("clinic")

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = BookSessionRequest.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        cycle_book_request = cls(
            patient=patient,
            protocol=protocol,
            clinic=clinic,
            sessions=sessions,
        )

        cycle_book_request.additional_properties = d
        return cycle_book_request

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
