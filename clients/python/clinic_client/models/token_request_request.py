from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenRequestRequest")


@_attrs_define
class TokenRequestRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        username (str):
        password (str):
        device (str | Unset): A name for this device in your list of signed-in devices (e.g. "Ward tablet 3"); left out,
            the client's User-Agent is used. Default: ''.
        otp (str | Unset): The second factor, for an account that has one: the 6-digit code from the authenticator app,
            or one of the recovery codes (each works once).
    """

    username: str
    password: str
    device: str | Unset = ""
    otp: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        password = self.password

        device = self.device

        otp = self.otp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "password": password,
            }
        )
        if device is not UNSET:
            field_dict["device"] = device
        if otp is not UNSET:
            field_dict["otp"] = otp

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        username = d.pop("username")

        password = d.pop("password")

        device = d.pop("device", UNSET)

        otp = d.pop("otp", UNSET)

        token_request_request = cls(
            username=username,
            password=password,
            device=device,
            otp=otp,
        )

        token_request_request.additional_properties = d
        return token_request_request

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
