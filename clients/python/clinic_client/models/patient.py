from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Patient")


@_attrs_define
class Patient:
    """A patient. Consent to email is recorded with its time and source; withdrawing it clears both.

    Attributes:
        id (int):
        clinic (int): Home clinic (id); one of your clinics.
        first_name (str):
        last_name (str):
        date_of_birth (datetime.date): YYYY-MM-DD, from 1900; not in the future.
        email_consent_at (datetime.datetime | None): When consent to email was recorded; null without consent.
        email (str | Unset): Needed for email consent.
        phone (str | Unset): Digits with optional +, spaces, dashes, dots, slashes, brackets and an extension (x123).
        timezone (str | Unset): IANA time zone the patient's emails are written in, e.g. America/New_York. Defaults to
            the home clinic's zone.
        email_consent (bool | Unset): The patient agreed to receive reminders and notices by email.
        email_consent_source (str | Unset): Where consent was given (intake form, phone call…). Recorded when
            `email_consent` turns true (default "api"); cleared when it turns false.
    """

    id: int
    clinic: int
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    email_consent_at: datetime.datetime | None
    email: str | Unset = UNSET
    phone: str | Unset = UNSET
    timezone: str | Unset = UNSET
    email_consent: bool | Unset = UNSET
    email_consent_source: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        clinic = self.clinic

        first_name = self.first_name

        last_name = self.last_name

        date_of_birth = self.date_of_birth.isoformat()

        email_consent_at: None | str
        if isinstance(self.email_consent_at, datetime.datetime):
            email_consent_at = self.email_consent_at.isoformat()
        else:
            email_consent_at = self.email_consent_at

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        timezone = self.timezone

        email_consent = self.email_consent

        email_consent_source = self.email_consent_source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "first_name": first_name,
                "last_name": last_name,
                "date_of_birth": date_of_birth,
                "email_consent_at": email_consent_at,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if email_consent is not UNSET:
            field_dict["email_consent"] = email_consent
        if email_consent_source is not UNSET:
            field_dict["email_consent_source"] = email_consent_source

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        clinic = d.pop("clinic")

        first_name = d.pop("first_name")

        last_name = d.pop("last_name")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        def _parse_email_consent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                email_consent_at_type_0 = datetime.datetime.fromisoformat(data)

                return email_consent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        email_consent_at = _parse_email_consent_at(d.pop("email_consent_at"))

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_phone(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        timezone = d.pop("timezone", UNSET)

        email_consent = d.pop("email_consent", UNSET)

        email_consent_source = d.pop("email_consent_source", UNSET)

        patient = cls(
            id=id,
            clinic=clinic,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            email_consent_at=email_consent_at,
            email=email,
            phone=phone,
            timezone=timezone,
            email_consent=email_consent,
            email_consent_source=email_consent_source,
        )

        patient.additional_properties = d
        return patient

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
