from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CourseReview")


@_attrs_define
class CourseReview:
    """
    Attributes:
        id (int):
        cycle (int):
        decision (str):
        note (str):
        decided_at (datetime.datetime):
        decided_by (int | None):
    """

    id: int
    cycle: int
    decision: str
    note: str
    decided_at: datetime.datetime
    decided_by: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        cycle = self.cycle

        decision = self.decision

        note = self.note

        decided_at = self.decided_at.isoformat()

        decided_by: int | None
        decided_by = self.decided_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "cycle": cycle,
                "decision": decision,
                "note": note,
                "decided_at": decided_at,
                "decided_by": decided_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        cycle = d.pop("cycle")

        decision = d.pop("decision")

        note = d.pop("note")

        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        def _parse_decided_by(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        course_review = cls(
            id=id,
            cycle=cycle,
            decision=decision,
            note=note,
            decided_at=decided_at,
            decided_by=decided_by,
        )

        course_review.additional_properties = d
        return course_review

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
