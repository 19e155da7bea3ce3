from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """
    Attributes:
        completed (int): k: sessions completed.
        total (int): n: sessions in the course.
        next_sequence (int | None): The sequence number of the next session not yet done (booked, confirmed, checked in
            or in the chair); null when none is left.
        label (str): "session k of n", k the session the patient is at (the next not yet done); "k of n done" once
            nothing is left.
    """

    completed: int
    total: int
    next_sequence: int | None
    label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        total = self.total

        next_sequence: int | None
        next_sequence = self.next_sequence

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completed": completed,
                "total": total,
                "next_sequence": next_sequence,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed = d.pop("completed")

        total = d.pop("total")

        def _parse_next_sequence(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        next_sequence = _parse_next_sequence(d.pop("next_sequence"))

        label = d.pop("label")

        progress = cls(
            completed=completed,
            total=total,
            next_sequence=next_sequence,
            label=label,
        )

        progress.additional_properties = d
        return progress

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
