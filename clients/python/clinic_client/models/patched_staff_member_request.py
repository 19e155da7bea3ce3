from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role_enum import RoleEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.shift_request import ShiftRequest


T = TypeVar("T", bound="PatchedStaffMemberRequest")


@_attrs_define
class PatchedStaffMemberRequest:
    """A nurse or provider of a clinic, with the weekly shifts sessions are assigned in.

    Attributes:
        clinic (int | Unset): Id of the clinic (one of yours). Fixed once the row is created.
        first_name (str | Unset):
        last_name (str | Unset):
        role (RoleEnum | Unset): * `nurse` - Nurse
            * `provider` - Provider
        email (str | Unset):
        is_active (bool | Unset): An inactive staff member is not scheduled.
        shifts (list[ShiftRequest] | Unset): The weekly working pattern. When given on create or update it replaces the
            whole set; left out, the stored set stays. Shifts on one weekday must not overlap while both are valid.
    """

    clinic: int | Unset = UNSET
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    role: RoleEnum | Unset = UNSET
    email: str | Unset = UNSET
    is_active: bool | Unset = UNSET
    shifts: list[ShiftRequest] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        first_name = self.first_name

        last_name = self.last_name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        is_active = self.is_active

        shifts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.shifts, Unset):
            shifts = []
            for shifts_item_data in self.shifts:
                shifts_item = shifts_item_data.to_dict()
                shifts.append(shifts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if clinic is not UNSET:
            field_dict["clinic"] = clinic
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if role is not UNSET:
            field_dict["role"] = role
        if email is not UNSET:
            field_dict["email"] = email
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if shifts is not UNSET:
            field_dict["shifts"] = shifts

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.shift_request import ShiftRequest

        d = dict(src_dict)
        clinic = d.pop("clinic", UNSET)

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        _role = d.pop("role", UNSET)
        role: RoleEnum | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = RoleEnum(_role)

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        is_active = d.pop("is_active", UNSET)

        _shifts = d.pop("shifts", UNSET)
        shifts: list[ShiftRequest] | Unset = UNSET
        if _shifts is not UNSET:
            shifts = []
            for shifts_item_data in _shifts:
                shifts_item = ShiftRequest.from_dict(shifts_item_data)

                shifts.append(shifts_item)

        patched_staff_member_request = cls(
            clinic=clinic,
            first_name=first_name,
            last_name=last_name,
            role=role,
            email=email,
            is_active=is_active,
            shifts=shifts,
        )

        patched_staff_member_request.additional_properties = d
        return patched_staff_member_request

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
