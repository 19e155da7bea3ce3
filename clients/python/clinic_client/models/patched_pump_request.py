from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pump_status_enum import PumpStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedPumpRequest")


@_attrs_define
class PatchedPumpRequest:
    """A pump of a clinic; its label and its serial number are each unique within the clinic.

    Attributes:
        clinic (int | Unset): Id of the clinic (one of yours). Fixed once the row is created.
        label (str | Unset): What staff call it, e.g. “Pump 2”.
        serial_number (str | Unset):
        status (PumpStatusEnum | Unset): * `in_service` - In service
            * `maintenance` - In maintenance
            * `retired` - Retired
        notes (str | Unset): Staff notes (never in an email).
    """

    clinic: int | Unset = UNSET
    label: str | Unset = UNSET
    serial_number: str | Unset = UNSET
    status: PumpStatusEnum | Unset = UNSET
    notes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        label = self.label

        serial_number = self.serial_number

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if clinic is not UNSET:
            field_dict["clinic"] = clinic
        if label is not UNSET:
            field_dict["label"] = label
        if serial_number is not UNSET:
            field_dict["serial_number"] = serial_number
        if status is not UNSET:
            field_dict["status"] = status
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic", UNSET)

        label = d.pop("label", UNSET)

        serial_number = d.pop("serial_number", UNSET)

        _status = d.pop("status", UNSET)
        status: PumpStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PumpStatusEnum(_status)

        notes = d.pop("notes", UNSET)

        patched_pump_request = cls(
            clinic=clinic,
            label=label,
            serial_number=serial_number,
            status=status,
            notes=notes,
        )

        patched_pump_request.additional_properties = d
        return patched_pump_request

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
