from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role_enum import RoleEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.shift import Shift
    from ..models.stranded_session import StrandedSession


T = TypeVar("T", bound="StaffMemberImpact")


@_attrs_define
class StaffMemberImpact:
    """A nurse or provider of a clinic, with the weekly shifts sessions are assigned in.

    Attributes:
        id (int | None): The row's id; null in the dry run of a creation (nothing was written).
        clinic (int): Id of the clinic (one of yours). Fixed once the row is created.
        user (int | None): Id of the linked login account, if any (set in the admin).
        first_name (str):
        last_name (str):
        stranded_sessions (list[StrandedSession]): The booked, not yet started sessions this change strands, each with
            its reasons. With `?dry_run=true`: those it would strand (nothing is written); after a write: those now marked
            as needing a move.
        role (RoleEnum | Unset): * `nurse` - Nurse
            * `provider` - Provider
        email (str | Unset):
        is_active (bool | Unset): An inactive staff member is not scheduled.
        shifts (list[Shift] | Unset): The weekly working pattern. When given on create or update it replaces the whole
            set; left out, the stored set stays. Shifts on one weekday must not overlap while both are valid.
    """

    id: int | None
    clinic: int
    user: int | None
    first_name: str
    last_name: str
    stranded_sessions: list[StrandedSession]
    role: RoleEnum | Unset = UNSET
    email: str | Unset = UNSET
    is_active: bool | Unset = UNSET
    shifts: list[Shift] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        clinic = self.clinic

        user: int | None
        user = self.user

        first_name = self.first_name

        last_name = self.last_name

        stranded_sessions = []
        for stranded_sessions_item_data in self.stranded_sessions:
            stranded_sessions_item = stranded_sessions_item_data.to_dict()
            stranded_sessions.append(stranded_sessions_item)

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
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "user": user,
                "first_name": first_name,
                "last_name": last_name,
                "stranded_sessions": stranded_sessions,
            }
        )
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
        from ..models.shift import Shift
        from ..models.stranded_session import StrandedSession

        d = dict(src_dict)

        def _parse_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        id = _parse_id(d.pop("id"))

        clinic = d.pop("clinic")

        def _parse_user(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        user = _parse_user(d.pop("user"))

        first_name = d.pop("first_name")

        last_name = d.pop("last_name")

        stranded_sessions = []
        _stranded_sessions = d.pop("stranded_sessions")
        for stranded_sessions_item_data in _stranded_sessions:
            stranded_sessions_item = StrandedSession.from_dict(stranded_sessions_item_data)

            stranded_sessions.append(stranded_sessions_item)

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
        shifts: list[Shift] | Unset = UNSET
        if _shifts is not UNSET:
            shifts = []
            for shifts_item_data in _shifts:
                shifts_item = Shift.from_dict(shifts_item_data)

                shifts.append(shifts_item)

        staff_member_impact = cls(
            id=id,
            clinic=clinic,
            user=user,
            first_name=first_name,
            last_name=last_name,
            stranded_sessions=stranded_sessions,
            role=role,
            email=email,
            is_active=is_active,
            shifts=shifts,
        )

        staff_member_impact.additional_properties = d
        return staff_member_impact

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
