from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pregnancy_enum import PregnancyEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ChecksRecordRequest")


@_attrs_define
class ChecksRecordRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        override_reason (str | Unset): A clinician's reason to let the session go on despite what is pending or flagged
            (clinicians only).
        systolic (int | Unset): Systolic pressure, 50–300 mmHg; outside: 400 with the check's code.
        diastolic (int | Unset): Diastolic pressure, 20–200 mmHg; outside: 400 with the check's code.
        heart_rate (int | Unset): Heart rate, 20–250 per minute; outside: 400 with the check's code.
        oxygen_saturation (int | Unset): Oxygen saturation, 50–100 %; outside: 400 with the check's code.
        weight_kg (float | Unset): Weight for dosing, 20–400 kg; outside: 400 with the check's code. Rounded to 0.1 kg.
        pregnancy (PregnancyEnum | Unset): * `not_pregnant` - Not pregnant
            * `not_applicable` - Not applicable
            * `possibly_pregnant` - Possibly pregnant
        fasting (bool | Unset): Fasting confirmed (false is flagged).
        escort (bool | Unset): An adult takes the patient home (false is flagged).
    """

    override_reason: str | Unset = UNSET
    systolic: int | Unset = UNSET
    diastolic: int | Unset = UNSET
    heart_rate: int | Unset = UNSET
    oxygen_saturation: int | Unset = UNSET
    weight_kg: float | Unset = UNSET
    pregnancy: PregnancyEnum | Unset = UNSET
    fasting: bool | Unset = UNSET
    escort: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        override_reason = self.override_reason

        systolic = self.systolic

        diastolic = self.diastolic

        heart_rate = self.heart_rate

        oxygen_saturation = self.oxygen_saturation

        weight_kg = self.weight_kg

        pregnancy: str | Unset = UNSET
        if not isinstance(self.pregnancy, Unset):
            pregnancy = self.pregnancy.value

        fasting = self.fasting

        escort = self.escort

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason
        if systolic is not UNSET:
            field_dict["systolic"] = systolic
        if diastolic is not UNSET:
            field_dict["diastolic"] = diastolic
        if heart_rate is not UNSET:
            field_dict["heart_rate"] = heart_rate
        if oxygen_saturation is not UNSET:
            field_dict["oxygen_saturation"] = oxygen_saturation
        if weight_kg is not UNSET:
            field_dict["weight_kg"] = weight_kg
        if pregnancy is not UNSET:
            field_dict["pregnancy"] = pregnancy
        if fasting is not UNSET:
            field_dict["fasting"] = fasting
        if escort is not UNSET:
            field_dict["escort"] = escort

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        override_reason = d.pop("override_reason", UNSET)

        systolic = d.pop("systolic", UNSET)

        diastolic = d.pop("diastolic", UNSET)

        heart_rate = d.pop("heart_rate", UNSET)

        oxygen_saturation = d.pop("oxygen_saturation", UNSET)

        weight_kg = d.pop("weight_kg", UNSET)

        _pregnancy = d.pop("pregnancy", UNSET)
        pregnancy: PregnancyEnum | Unset
        if isinstance(_pregnancy, Unset):
            pregnancy = UNSET
        else:
            pregnancy = PregnancyEnum(_pregnancy)

        fasting = d.pop("fasting", UNSET)

        escort = d.pop("escort", UNSET)

        checks_record_request = cls(
            override_reason=override_reason,
            systolic=systolic,
            diastolic=diastolic,
            heart_rate=heart_rate,
            oxygen_saturation=oxygen_saturation,
            weight_kg=weight_kg,
            pregnancy=pregnancy,
            fasting=fasting,
            escort=escort,
        )

        checks_record_request.additional_properties = d
        return checks_record_request

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
