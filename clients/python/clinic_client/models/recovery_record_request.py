from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecoveryRecordRequest")


@_attrs_define
class RecoveryRecordRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        override_reason (str | Unset): A clinician's reason to let the session go on despite what is pending or flagged
            (clinicians only).
        systolic (int | Unset): Systolic pressure, 50–300 mmHg; outside: 400 with the check's code.
        diastolic (int | Unset): Diastolic pressure, 20–200 mmHg; outside: 400 with the check's code.
        alert_and_oriented (bool | Unset):
        escort_present (bool | Unset):
    """

    override_reason: str | Unset = UNSET
    systolic: int | Unset = UNSET
    diastolic: int | Unset = UNSET
    alert_and_oriented: bool | Unset = UNSET
    escort_present: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        override_reason = self.override_reason

        systolic = self.systolic

        diastolic = self.diastolic

        alert_and_oriented = self.alert_and_oriented

        escort_present = self.escort_present

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason
        if systolic is not UNSET:
            field_dict["systolic"] = systolic
        if diastolic is not UNSET:
            field_dict["diastolic"] = diastolic
        if alert_and_oriented is not UNSET:
            field_dict["alert_and_oriented"] = alert_and_oriented
        if escort_present is not UNSET:
            field_dict["escort_present"] = escort_present

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        override_reason = d.pop("override_reason", UNSET)

        systolic = d.pop("systolic", UNSET)

        diastolic = d.pop("diastolic", UNSET)

        alert_and_oriented = d.pop("alert_and_oriented", UNSET)

        escort_present = d.pop("escort_present", UNSET)

        recovery_record_request = cls(
            override_reason=override_reason,
            systolic=systolic,
            diastolic=diastolic,
            alert_and_oriented=alert_and_oriented,
            escort_present=escort_present,
        )

        recovery_record_request.additional_properties = d
        return recovery_record_request

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
