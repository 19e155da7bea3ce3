from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.check_override_covers import CheckOverrideCovers


T = TypeVar("T", bound="CheckOverride")


@_attrs_define
class CheckOverride:
    """
    Attributes:
        id (int):
        phase (str):
        reason (str):
        covers (CheckOverrideCovers): Each item overridden → its entry then (null: missing).
        overridden_at (datetime.datetime):
        overridden_by (int | None):
    """

    id: int
    phase: str
    reason: str
    covers: CheckOverrideCovers
    overridden_at: datetime.datetime
    overridden_by: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        phase = self.phase

        reason = self.reason

        covers = self.covers.to_dict()

        overridden_at = self.overridden_at.isoformat()

        overridden_by: int | None
        overridden_by = self.overridden_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "phase": phase,
                "reason": reason,
                "covers": covers,
                "overridden_at": overridden_at,
                "overridden_by": overridden_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.check_override_covers import CheckOverrideCovers

        d = dict(src_dict)
        id = d.pop("id")

        phase = d.pop("phase")

        reason = d.pop("reason")

        covers = CheckOverrideCovers.from_dict(d.pop("covers"))

        overridden_at = datetime.datetime.fromisoformat(d.pop("overridden_at"))

        def _parse_overridden_by(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        overridden_by = _parse_overridden_by(d.pop("overridden_by"))

        check_override = cls(
            id=id,
            phase=phase,
            reason=reason,
            covers=covers,
            overridden_at=overridden_at,
            overridden_by=overridden_by,
        )

        check_override.additional_properties = d
        return check_override

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
