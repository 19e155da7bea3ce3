from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RecoveryCheck")


@_attrs_define
class RecoveryCheck:
    """
    Attributes:
        id (int):
        version (int):
        systolic (int):
        diastolic (int):
        alert_and_oriented (bool):
        escort_present (bool):
        chair_minutes (int): Time in the chair when the check was made.
        flagged (bool):
        recorded_at (datetime.datetime):
        recorded_by (int | None):
    """

    id: int
    version: int
    systolic: int
    diastolic: int
    alert_and_oriented: bool
    escort_present: bool
    chair_minutes: int
    flagged: bool
    recorded_at: datetime.datetime
    recorded_by: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        version = self.version

        systolic = self.systolic

        diastolic = self.diastolic

        alert_and_oriented = self.alert_and_oriented

        escort_present = self.escort_present

        chair_minutes = self.chair_minutes

        flagged = self.flagged

        recorded_at = self.recorded_at.isoformat()

        recorded_by: int | None
        recorded_by = self.recorded_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "systolic": systolic,
                "diastolic": diastolic,
                "alert_and_oriented": alert_and_oriented,
                "escort_present": escort_present,
                "chair_minutes": chair_minutes,
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

        version = d.pop("version")

        systolic = d.pop("systolic")

        diastolic = d.pop("diastolic")

        alert_and_oriented = d.pop("alert_and_oriented")

        escort_present = d.pop("escort_present")

        chair_minutes = d.pop("chair_minutes")

        flagged = d.pop("flagged")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        def _parse_recorded_by(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        recorded_by = _parse_recorded_by(d.pop("recorded_by"))

        recovery_check = cls(
            id=id,
            version=version,
            systolic=systolic,
            diastolic=diastolic,
            alert_and_oriented=alert_and_oriented,
            escort_present=escort_present,
            chair_minutes=chair_minutes,
            flagged=flagged,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
        )

        recovery_check.additional_properties = d
        return recovery_check

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
