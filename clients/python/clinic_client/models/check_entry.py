from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.safety_check_kind_enum import SafetyCheckKindEnum

T = TypeVar("T", bound="CheckEntry")


@_attrs_define
class CheckEntry:
    """
    Attributes:
        id (int):
        kind (SafetyCheckKindEnum): * `blood_pressure` - Blood pressure
            * `heart_rate` - Heart rate
            * `oxygen_saturation` - Oxygen saturation
            * `weight` - Weight for dosing
            * `pregnancy` - Pregnancy attestation
            * `fasting` - Fasting confirmed
            * `escort` - Escort home confirmed
        version (int):
        session (int): The session it was recorded at.
        systolic (int | None):
        diastolic (int | None):
        value (float | None): Heart rate, oxygen saturation (%) or weight (kg).
        confirmed (bool | None):
        answer (str): The pregnancy attestation; empty for other checks.
        flagged (bool):
        recorded_at (datetime.datetime):
        recorded_by (int | None):
    """

    id: int
    kind: SafetyCheckKindEnum
    version: int
    session: int
    systolic: int | None
    diastolic: int | None
    value: float | None
    confirmed: bool | None
    answer: str
    flagged: bool
    recorded_at: datetime.datetime
    recorded_by: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        version = self.version

        session = self.session

        systolic: int | None
        systolic = self.systolic

        diastolic: int | None
        diastolic = self.diastolic

        value: float | None
        value = self.value

        confirmed: bool | None
        confirmed = self.confirmed

        answer = self.answer

        flagged = self.flagged

        recorded_at = self.recorded_at.isoformat()

        recorded_by: int | None
        recorded_by = self.recorded_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "version": version,
                "session": session,
                "systolic": systolic,
                "diastolic": diastolic,
                "value": value,
                "confirmed": confirmed,
                "answer": answer,
                "flagged": flagged,
                "recorded_at": recorded_at,
                "recorded_by": recorded_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = SafetyCheckKindEnum(d.pop("kind"))

        version = d.pop("version")

        session = d.pop("session")

        def _parse_systolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        systolic = _parse_systolic(d.pop("systolic"))

        def _parse_diastolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        diastolic = _parse_diastolic(d.pop("diastolic"))

        def _parse_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value = _parse_value(d.pop("value"))

        def _parse_confirmed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        confirmed = _parse_confirmed(d.pop("confirmed"))

        answer = d.pop("answer")

        flagged = d.pop("flagged")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        def _parse_recorded_by(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        recorded_by = _parse_recorded_by(d.pop("recorded_by"))

        check_entry = cls(
            id=id,
            kind=kind,
            version=version,
            session=session,
            systolic=systolic,
            diastolic=diastolic,
            value=value,
            confirmed=confirmed,
            answer=answer,
            flagged=flagged,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
        )

        check_entry.additional_properties = d
        return check_entry

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
