from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stranded_session import StrandedSession


T = TypeVar("T", bound="ChairImpact")


@_attrs_define
class ChairImpact:
    """An infusion chair of a clinic; names are unique within the clinic.

    Attributes:
        id (int | None): The row's id; null in the dry run of a creation (nothing was written).
        clinic (int): Id of the clinic (one of yours). Fixed once the row is created.
        name (str):
        stranded_sessions (list[StrandedSession]): The booked, not yet started sessions this change strands, each with
            its reasons. With `?dry_run=true`: those it would strand (nothing is written); after a write: those now marked
            as needing a move.
        is_active (bool | Unset): An inactive chair (out of service) is not booked.
    """

    id: int | None
    clinic: int
    name: str
    stranded_sessions: list[StrandedSession]
    is_active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        clinic = self.clinic

        name = self.name

        stranded_sessions = []
        for stranded_sessions_item_data in self.stranded_sessions:
            stranded_sessions_item = stranded_sessions_item_data.to_dict()
            stranded_sessions.append(stranded_sessions_item)

        is_active = self.is_active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "name": name,
                "stranded_sessions": stranded_sessions,
            }
        )
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.stranded_session import StrandedSession

        d = dict(src_dict)

        def _parse_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        id = _parse_id(d.pop("id"))

        clinic = d.pop("clinic")

        name = d.pop("name")

        stranded_sessions = []
        _stranded_sessions = d.pop("stranded_sessions")
        for stranded_sessions_item_data in _stranded_sessions:
            stranded_sessions_item = StrandedSession.from_dict(stranded_sessions_item_data)

            stranded_sessions.append(stranded_sessions_item)

        is_active = d.pop("is_active", UNSET)

        chair_impact = cls(
            id=id,
            clinic=clinic,
            name=name,
            stranded_sessions=stranded_sessions,
            is_active=is_active,
        )

        chair_impact.additional_properties = d
        return chair_impact

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
