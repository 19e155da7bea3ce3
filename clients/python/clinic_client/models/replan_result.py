from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.replan_outcome_enum import ReplanOutcomeEnum

T = TypeVar("T", bound="ReplanResult")


@_attrs_define
class ReplanResult:
    """
    Attributes:
        session (int): The session (id).
        outcome (ReplanOutcomeEnum): * `moved` - moved
            * `reassigned` - reassigned
            * `refused` - refused
        starts_at (datetime.datetime): Its start now (UTC).
        chair (int): Its chair now (id).
        nurse (int): Its nurse now (id).
        code (str): Why it was refused (a rule's code); '' otherwise.
        message (str): The refusal in words; '' otherwise.
    """

    session: int
    outcome: ReplanOutcomeEnum
    starts_at: datetime.datetime
    chair: int
    nurse: int
    code: str
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session = self.session

        outcome = self.outcome.value

        starts_at = self.starts_at.isoformat()

        chair = self.chair

        nurse = self.nurse

        code = self.code

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session": session,
                "outcome": outcome,
                "starts_at": starts_at,
                "chair": chair,
                "nurse": nurse,
                "code": code,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session = d.pop("session")

        outcome = ReplanOutcomeEnum(d.pop("outcome"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        chair = d.pop("chair")

        nurse = d.pop("nurse")

        code = d.pop("code")

        message = d.pop("message")

        replan_result = cls(
            session=session,
            outcome=outcome,
            starts_at=starts_at,
            chair=chair,
            nurse=nurse,
            code=code,
            message=message,
        )

        replan_result.additional_properties = d
        return replan_result

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
