from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stranded_session import StrandedSession


T = TypeVar("T", bound="TimeOffImpact")


@_attrs_define
class TimeOffImpact:
    """A span when a staff member is away and is assigned no sessions.

    Attributes:
        id (int | None): The row's id; null in the dry run of a creation (nothing was written).
        staff (int): Id of the staff member (of one of your clinics). Fixed once created.
        starts_at (datetime.datetime): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone.
        ends_at (datetime.datetime): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone.
            After `starts_at`.
        stranded_sessions (list[StrandedSession]): The booked, not yet started sessions this change strands, each with
            its reasons. With `?dry_run=true`: those it would strand (nothing is written); after a write: those now marked
            as needing a move.
        reason (str | Unset):
    """

    id: int | None
    staff: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    stranded_sessions: list[StrandedSession]
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        staff = self.staff

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        stranded_sessions = []
        for stranded_sessions_item_data in self.stranded_sessions:
            stranded_sessions_item = stranded_sessions_item_data.to_dict()
            stranded_sessions.append(stranded_sessions_item)

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "staff": staff,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "stranded_sessions": stranded_sessions,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

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

        staff = d.pop("staff")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        stranded_sessions = []
        _stranded_sessions = d.pop("stranded_sessions")
        for stranded_sessions_item_data in _stranded_sessions:
            stranded_sessions_item = StrandedSession.from_dict(stranded_sessions_item_data)

            stranded_sessions.append(stranded_sessions_item)

        reason = d.pop("reason", UNSET)

        time_off_impact = cls(
            id=id,
            staff=staff,
            starts_at=starts_at,
            ends_at=ends_at,
            stranded_sessions=stranded_sessions,
            reason=reason,
        )

        time_off_impact.additional_properties = d
        return time_off_impact

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
