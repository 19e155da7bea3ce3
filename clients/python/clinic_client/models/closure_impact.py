from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stranded_session import StrandedSession


T = TypeVar("T", bound="ClosureImpact")


@_attrs_define
class ClosureImpact:
    """A span when a clinic takes no sessions.

    Attributes:
        id (int | None): The row's id; null in the dry run of a creation (nothing was written).
        clinic (int): Id of the clinic (one of yours). Fixed once the row is created.
        starts_at (datetime.datetime): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone.
        ends_at (datetime.datetime): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone.
            After `starts_at`.
        reason (str): Shown to staff, e.g. "Thanksgiving" or "Staff training".
        stranded_sessions (list[StrandedSession]): The booked, not yet started sessions this change strands, each with
            its reasons. With `?dry_run=true`: those it would strand (nothing is written); after a write: those now marked
            as needing a move.
        chair (int | None | Unset): Null (the default): the whole clinic is closed. A chair's id (of the same clinic):
            only that chair is out of service (e.g. maintenance); the rest of the clinic works.
    """

    id: int | None
    clinic: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str
    stranded_sessions: list[StrandedSession]
    chair: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        clinic = self.clinic

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        reason = self.reason

        stranded_sessions = []
        for stranded_sessions_item_data in self.stranded_sessions:
            stranded_sessions_item = stranded_sessions_item_data.to_dict()
            stranded_sessions.append(stranded_sessions_item)

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "reason": reason,
                "stranded_sessions": stranded_sessions,
            }
        )
        if chair is not UNSET:
            field_dict["chair"] = chair

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

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        reason = d.pop("reason")

        stranded_sessions = []
        _stranded_sessions = d.pop("stranded_sessions")
        for stranded_sessions_item_data in _stranded_sessions:
            stranded_sessions_item = StrandedSession.from_dict(stranded_sessions_item_data)

            stranded_sessions.append(stranded_sessions_item)

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        closure_impact = cls(
            id=id,
            clinic=clinic,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            stranded_sessions=stranded_sessions,
            chair=chair,
        )

        closure_impact.additional_properties = d
        return closure_impact

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
