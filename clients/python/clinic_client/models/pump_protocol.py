from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.episode_visit_mode_enum import EpisodeVisitModeEnum

T = TypeVar("T", bound="PumpProtocol")


@_attrs_define
class PumpProtocol:
    """
    Attributes:
        id (int):
        clinic (int | None): Empty: shared by every clinic.
        name (str):
        slug (str):
        indication (str):
        episode_days (int): Days the pump is worn: the removal is this many days after the fitting, at the same wall-
            clock time.
        episodes_per_course (int):
        min_days_between_episodes (int): Days from one episode's removal to the next episode's fitting, at least.
        max_days_between_episodes (int | None): … and at most (empty: no limit).
        fitting_minutes (int): The fitting visit: in a chair, with a nurse.
        review_mode (EpisodeVisitModeEnum): * `visit` - Visit to the clinic
            * `phone` - Phone review
        review_minutes (int):
        review_needs_chair (bool): A review visit holds a chair (phone reviews never do).
        phone_review_when_closed (bool): On a day the clinic is closed inside an episode, the review is done by phone.
            Off: such an episode is refused.
        removal_minutes (int): The removal visit: in a chair, with a nurse.
        notes (str):
    """

    id: int
    clinic: int | None
    name: str
    slug: str
    indication: str
    episode_days: int
    episodes_per_course: int
    min_days_between_episodes: int
    max_days_between_episodes: int | None
    fitting_minutes: int
    review_mode: EpisodeVisitModeEnum
    review_minutes: int
    review_needs_chair: bool
    phone_review_when_closed: bool
    removal_minutes: int
    notes: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        clinic: int | None
        clinic = self.clinic

        name = self.name

        slug = self.slug

        indication = self.indication

        episode_days = self.episode_days

        episodes_per_course = self.episodes_per_course

        min_days_between_episodes = self.min_days_between_episodes

        max_days_between_episodes: int | None
        max_days_between_episodes = self.max_days_between_episodes

        fitting_minutes = self.fitting_minutes

        review_mode = self.review_mode.value

        review_minutes = self.review_minutes

        review_needs_chair = self.review_needs_chair

        phone_review_when_closed = self.phone_review_when_closed

        removal_minutes = self.removal_minutes

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "name": name,
                "slug": slug,
                "indication": indication,
                "episode_days": episode_days,
                "episodes_per_course": episodes_per_course,
                "min_days_between_episodes": min_days_between_episodes,
                "max_days_between_episodes": max_days_between_episodes,
                "fitting_minutes": fitting_minutes,
                "review_mode": review_mode,
                "review_minutes": review_minutes,
                "review_needs_chair": review_needs_chair,
                "phone_review_when_closed": phone_review_when_closed,
                "removal_minutes": removal_minutes,
                "notes": notes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_clinic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        clinic = _parse_clinic(d.pop("clinic"))

        name = d.pop("name")

        slug = d.pop("slug")

        indication = d.pop("indication")

        episode_days = d.pop("episode_days")

        episodes_per_course = d.pop("episodes_per_course")

        min_days_between_episodes = d.pop("min_days_between_episodes")

        def _parse_max_days_between_episodes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_days_between_episodes = _parse_max_days_between_episodes(d.pop("max_days_between_episodes"))

        fitting_minutes = d.pop("fitting_minutes")

        review_mode = EpisodeVisitModeEnum(d.pop("review_mode"))

        review_minutes = d.pop("review_minutes")

        review_needs_chair = d.pop("review_needs_chair")

        phone_review_when_closed = d.pop("phone_review_when_closed")

        removal_minutes = d.pop("removal_minutes")

        notes = d.pop("notes")

        pump_protocol = cls(
            id=id,
            clinic=clinic,
            name=name,
            slug=slug,
            indication=indication,
            episode_days=episode_days,
            episodes_per_course=episodes_per_course,
            min_days_between_episodes=min_days_between_episodes,
            max_days_between_episodes=max_days_between_episodes,
            fitting_minutes=fitting_minutes,
            review_mode=review_mode,
            review_minutes=review_minutes,
            review_needs_chair=review_needs_chair,
            phone_review_when_closed=phone_review_when_closed,
            removal_minutes=removal_minutes,
            notes=notes,
        )

        pump_protocol.additional_properties = d
        return pump_protocol

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
