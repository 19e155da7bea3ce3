from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision_enum import DecisionEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="CourseReviewDecisionRequest")


@_attrs_define
class CourseReviewDecisionRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        decision (DecisionEnum): * `continue` - Continue the course
            * `adjust` - Adjust the course
            * `stop` - Stop the course
        note (str | Unset):  Default: ''.
    """

    decision: DecisionEnum
    note: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decision": decision,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        decision = DecisionEnum(d.pop("decision"))

        note = d.pop("note", UNSET)

        course_review_decision_request = cls(
            decision=decision,
            note=note,
        )

        course_review_decision_request.additional_properties = d
        return course_review_decision_request

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
