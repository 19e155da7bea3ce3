from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplanRequestRequest")


@_attrs_define
class ReplanRequestRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        clinic (int): The clinic (id).
        sessions (list[int] | Unset): The sessions to re-plan (ids, of this clinic). Give these or `all`.
        all_ (bool | Unset): `true`: every session on the clinic's Needs moving worklist.
    """

    clinic: int
    sessions: list[int] | Unset = UNSET
    all_: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        sessions: list[int] | Unset = UNSET
        if not isinstance(self.sessions, Unset):
            sessions = self.sessions

        all_ = self.all_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
            }
        )
        if sessions is not UNSET:
            field_dict["sessions"] = sessions
        if all_ is not UNSET:
            field_dict["all"] = all_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        sessions = cast(list[int], d.pop("sessions", UNSET))

        all_ = d.pop("all", UNSET)

        replan_request_request = cls(
            clinic=clinic,
            sessions=sessions,
            all_=all_,
        )

        replan_request_request.additional_properties = d
        return replan_request_request

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
