from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clock_format_enum import ClockFormatEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.opening_hours import OpeningHours
    from ..models.stranded_session import StrandedSession


T = TypeVar("T", bound="ClinicImpact")


@_attrs_define
class ClinicImpact:
    """A clinic (location): its time zone, contact details, scheduling rules and weekly opening hours.

    Attributes:
        id (int | None): The row's id; null in the dry run of a creation (nothing was written).
        name (str): The clinic's own name, shown to staff. Patients' emails and calendar entries show `email_name`
            instead.
        slug (str): Short name of the clinic, unique among the clinics you belong to.
        stranded_sessions (list[StrandedSession]): The booked, not yet started sessions this change strands, each with
            its reasons. With `?dry_run=true`: those it would strand (nothing is written); after a write: those now marked
            as needing a move.
        timezone (str | Unset): IANA time zone name, e.g. America/New_York. Opening hours, shifts and wall-clock times
            given without an offset are read in it.
        address (str | Unset):
        phone (str | Unset):
        email (str | Unset):
        is_active (bool | Unset): An inactive clinic takes no new bookings.
        nurse_max_concurrent (int | Unset): How many patients one nurse watches at once.
        start_stagger_minutes (int | Unset): A nurse does not start two infusions closer together than this.
        late_cancel_hours (int | Unset): A cancellation closer than this to the start is a late cancellation.
        no_show_minutes (int | Unset): A patient not arrived this long after the start may be marked a no-show.
        opening_hours (list[OpeningHours] | Unset): The weekly opening spans. When given on create or update it replaces
            the whole set; left out, the stored set stays. A weekday may have several spans, which must not overlap.
        reminder_offsets_hours (list[int] | Unset): Hours before each session at which a reminder is emailed; default
            [72, 24]. Add 2 for a same-day note.
        quiet_hours_start (str | Unset): No reminder is sent from this time (patient's time zone); it is moved earlier.
            Example: 08:00.
        quiet_hours_end (str | Unset): … until this time the next morning. Example: 08:00.
        preparation_rules (str | Unset): Printed in every reminder, one rule per line.
        booster_recall_days (int | Unset): Days after a completed course when the patient is invited back for a booster;
            0: never.
        email_name (str | Unset): The name patients see in emails, calendar entries and the pages behind email links:
            sender, subject, calendar title and organiser. It may not contain a treatment, drug, dose or diagnosis word.
            Empty: they read “the clinic”, never the clinic's own name.
        require_two_factor (bool | Unset): Every staff member of this clinic must sign in with a second factor (an
            authenticator app).
        clock_format (ClockFormatEnum | Unset): * `24h` - 24-hour (14:30)
            * `12h` - 12-hour (2:30 PM)
    """

    id: int | None
    name: str
    slug: str
    stranded_sessions: list[StrandedSession]
    timezone: str | Unset = UNSET
    address: str | Unset = UNSET
    phone: str | Unset = UNSET
    email: str | Unset = UNSET
    is_active: bool | Unset = UNSET
    nurse_max_concurrent: int | Unset = UNSET
    start_stagger_minutes: int | Unset = UNSET
    late_cancel_hours: int | Unset = UNSET
    no_show_minutes: int | Unset = UNSET
    opening_hours: list[OpeningHours] | Unset = UNSET
    reminder_offsets_hours: list[int] | Unset = UNSET
    quiet_hours_start: str | Unset = UNSET
    quiet_hours_end: str | Unset = UNSET
    preparation_rules: str | Unset = UNSET
    booster_recall_days: int | Unset = UNSET
    email_name: str | Unset = UNSET
    require_two_factor: bool | Unset = UNSET
    clock_format: ClockFormatEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        name = self.name

        slug = self.slug

        stranded_sessions = []
        for stranded_sessions_item_data in self.stranded_sessions:
            stranded_sessions_item = stranded_sessions_item_data.to_dict()
            stranded_sessions.append(stranded_sessions_item)

        timezone = self.timezone

        address = self.address

        phone = self.phone

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        is_active = self.is_active

        nurse_max_concurrent = self.nurse_max_concurrent

        start_stagger_minutes = self.start_stagger_minutes

        late_cancel_hours = self.late_cancel_hours

        no_show_minutes = self.no_show_minutes

        opening_hours: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.opening_hours, Unset):
            opening_hours = []
            for opening_hours_item_data in self.opening_hours:
                opening_hours_item = opening_hours_item_data.to_dict()
                opening_hours.append(opening_hours_item)

        reminder_offsets_hours: list[int] | Unset = UNSET
        if not isinstance(self.reminder_offsets_hours, Unset):
            reminder_offsets_hours = self.reminder_offsets_hours

        quiet_hours_start = self.quiet_hours_start

        quiet_hours_end = self.quiet_hours_end

        preparation_rules = self.preparation_rules

        booster_recall_days = self.booster_recall_days

        email_name = self.email_name

        require_two_factor = self.require_two_factor

        clock_format: str | Unset = UNSET
        if not isinstance(self.clock_format, Unset):
            clock_format = self.clock_format.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "slug": slug,
                "stranded_sessions": stranded_sessions,
            }
        )
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if address is not UNSET:
            field_dict["address"] = address
        if phone is not UNSET:
            field_dict["phone"] = phone
        if email is not UNSET:
            field_dict["email"] = email
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if nurse_max_concurrent is not UNSET:
            field_dict["nurse_max_concurrent"] = nurse_max_concurrent
        if start_stagger_minutes is not UNSET:
            field_dict["start_stagger_minutes"] = start_stagger_minutes
        if late_cancel_hours is not UNSET:
            field_dict["late_cancel_hours"] = late_cancel_hours
        if no_show_minutes is not UNSET:
            field_dict["no_show_minutes"] = no_show_minutes
        if opening_hours is not UNSET:
            field_dict["opening_hours"] = opening_hours
        if reminder_offsets_hours is not UNSET:
            field_dict["reminder_offsets_hours"] = reminder_offsets_hours
        if quiet_hours_start is not UNSET:
            field_dict["quiet_hours_start"] = quiet_hours_start
        if quiet_hours_end is not UNSET:
            field_dict["quiet_hours_end"] = quiet_hours_end
        if preparation_rules is not UNSET:
            field_dict["preparation_rules"] = preparation_rules
        if booster_recall_days is not UNSET:
            field_dict["booster_recall_days"] = booster_recall_days
        if email_name is not UNSET:
            field_dict["email_name"] = email_name
        if require_two_factor is not UNSET:
            field_dict["require_two_factor"] = require_two_factor
        if clock_format is not UNSET:
            field_dict["clock_format"] = clock_format

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.opening_hours import OpeningHours
        from ..models.stranded_session import StrandedSession

        d = dict(src_dict)

        def _parse_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        id = _parse_id(d.pop("id"))

        name = d.pop("name")

        slug = d.pop("slug")

        stranded_sessions = []
        _stranded_sessions = d.pop("stranded_sessions")
        for stranded_sessions_item_data in _stranded_sessions:
            stranded_sessions_item = StrandedSession.from_dict(stranded_sessions_item_data)

            stranded_sessions.append(stranded_sessions_item)

        timezone = d.pop("timezone", UNSET)

        address = d.pop("address", UNSET)

        phone = d.pop("phone", UNSET)

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        is_active = d.pop("is_active", UNSET)

        nurse_max_concurrent = d.pop("nurse_max_concurrent", UNSET)

        start_stagger_minutes = d.pop("start_stagger_minutes", UNSET)

        late_cancel_hours = d.pop("late_cancel_hours", UNSET)

        no_show_minutes = d.pop("no_show_minutes", UNSET)

        _opening_hours = d.pop("opening_hours", UNSET)
        opening_hours: list[OpeningHours] | Unset = UNSET
        if _opening_hours is not UNSET:
            opening_hours = []
            for opening_hours_item_data in _opening_hours:
                opening_hours_item = OpeningHours.from_dict(opening_hours_item_data)

                opening_hours.append(opening_hours_item)

        reminder_offsets_hours = cast(list[int], d.pop("reminder_offsets_hours", UNSET))

        quiet_hours_start = d.pop("quiet_hours_start", UNSET)

        quiet_hours_end = d.pop("quiet_hours_end", UNSET)

        preparation_rules = d.pop("preparation_rules", UNSET)

        booster_recall_days = d.pop("booster_recall_days", UNSET)

        email_name = d.pop("email_name", UNSET)

        require_two_factor = d.pop("require_two_factor", UNSET)

        _clock_format = d.pop("clock_format", UNSET)
        clock_format: ClockFormatEnum | Unset
        if isinstance(_clock_format, Unset):
            clock_format = UNSET
        else:
            clock_format = ClockFormatEnum(_clock_format)

        clinic_impact = cls(
            id=id,
            name=name,
            slug=slug,
            stranded_sessions=stranded_sessions,
            timezone=timezone,
            address=address,
            phone=phone,
            email=email,
            is_active=is_active,
            nurse_max_concurrent=nurse_max_concurrent,
            start_stagger_minutes=start_stagger_minutes,
            late_cancel_hours=late_cancel_hours,
            no_show_minutes=no_show_minutes,
            opening_hours=opening_hours,
            reminder_offsets_hours=reminder_offsets_hours,
            quiet_hours_start=quiet_hours_start,
            quiet_hours_end=quiet_hours_end,
            preparation_rules=preparation_rules,
            booster_recall_days=booster_recall_days,
            email_name=email_name,
            require_two_factor=require_two_factor,
            clock_format=clock_format,
        )

        clinic_impact.additional_properties = d
        return clinic_impact

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
