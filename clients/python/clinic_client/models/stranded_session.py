from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.named_ref import NamedRef
    from ..models.reason import Reason


T = TypeVar("T", bound="StrandedSession")


@_attrs_define
class StrandedSession:
    """A booked (not yet started) session a change strands: it can no longer happen where and when it is.

    Attributes:
        id (int):
        patient (NamedRef):
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        chair (NamedRef):
        nurse (NamedRef):
        reasons (list[Reason]):
    """

    id: int
    patient: NamedRef
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    chair: NamedRef
    nurse: NamedRef
    reasons: list[Reason]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        patient = self.patient.to_dict()

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        chair = self.chair.to_dict()

        nurse = self.nurse.to_dict()

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "patient": patient,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "chair": chair,
                "nurse": nurse,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.named_ref import NamedRef
        from ..models.reason import Reason

        d = dict(src_dict)
        id = d.pop("id")

        patient = NamedRef.from_dict(d.pop("patient"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        chair = NamedRef.from_dict(d.pop("chair"))

        nurse = NamedRef.from_dict(d.pop("nurse"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = Reason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        stranded_session = cls(
            id=id,
            patient=patient,
            starts_at=starts_at,
            ends_at=ends_at,
            chair=chair,
            nurse=nurse,
            reasons=reasons,
        )

        stranded_session.additional_properties = d
        return stranded_session

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
