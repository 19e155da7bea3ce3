from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OfferCreateRequest")


@_attrs_define
class OfferCreateRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        starts_at (str): The slot's start; the chair and nurse are placed as the planner would. Example:
            2027-03-02T09:00.
        chair (int | None | Unset): A chair preferred (of the entry's clinic).
    """

    starts_at: str
    chair: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        starts_at = self.starts_at

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "starts_at": starts_at,
            }
        )
        if chair is not UNSET:
            field_dict["chair"] = chair

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        starts_at = d.pop("starts_at")

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        offer_create_request = cls(
            starts_at=starts_at,
            chair=chair,
        )

        offer_create_request.additional_properties = d
        return offer_create_request

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
