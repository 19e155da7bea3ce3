from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.offer_status_enum import OfferStatusEnum

if TYPE_CHECKING:
    from ..models.offer_sessions_item import OfferSessionsItem


T = TypeVar("T", bound="Offer")


@_attrs_define
class Offer:
    """
    Attributes:
        id (int):
        entry (int):
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        chair (int):
        nurse (int):
        sessions (list[OfferSessionsItem]): Every session the offer would book (its first is the slot).
        expires_at (datetime.datetime):
        status (OfferStatusEnum): * `offered` - Offered
            * `accepted` - Accepted
            * `taken` - Taken by another patient
            * `expired` - Expired
            * `declined` - Declined
            * `withdrawn` - Withdrawn
        by_hand (bool):
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        cycle (int | None):
    """

    id: int
    entry: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    chair: int
    nurse: int
    sessions: list[OfferSessionsItem]
    expires_at: datetime.datetime
    status: OfferStatusEnum
    by_hand: bool
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    cycle: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        entry = self.entry

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        chair = self.chair

        nurse = self.nurse

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        expires_at = self.expires_at.isoformat()

        status = self.status.value

        by_hand = self.by_hand

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        cycle: int | None
        cycle = self.cycle

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "entry": entry,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "chair": chair,
                "nurse": nurse,
                "sessions": sessions,
                "expires_at": expires_at,
                "status": status,
                "by_hand": by_hand,
                "created_at": created_at,
                "decided_at": decided_at,
                "cycle": cycle,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.offer_sessions_item import OfferSessionsItem

        d = dict(src_dict)
        id = d.pop("id")

        entry = d.pop("entry")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        chair = d.pop("chair")

        nurse = d.pop("nurse")

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = OfferSessionsItem.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        status = OfferStatusEnum(d.pop("status"))

        by_hand = d.pop("by_hand")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_cycle(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        cycle = _parse_cycle(d.pop("cycle"))

        offer = cls(
            id=id,
            entry=entry,
            starts_at=starts_at,
            ends_at=ends_at,
            chair=chair,
            nurse=nurse,
            sessions=sessions,
            expires_at=expires_at,
            status=status,
            by_hand=by_hand,
            created_at=created_at,
            decided_at=decided_at,
            cycle=cycle,
        )

        offer.additional_properties = d
        return offer

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
