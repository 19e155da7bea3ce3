from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.proposed_episode import ProposedEpisode


T = TypeVar("T", bound="EpisodeProposals")


@_attrs_define
class EpisodeProposals:
    """
    Attributes:
        clinic (int):
        timezone (str):
        episodes (list[ProposedEpisode]): The earliest episode first, then up to 3 others (another pump at the same
            time, later days). Empty: see `code`.
        code (None | str): Why nothing fits (`no_pump_free`, `no_pump`, `review_on_closed_day`, `course_full`…); null
            when episodes are proposed.
        message (None | str): The reason in words, e.g. “All 3 pumps are out until 14 March.”
    """

    clinic: int
    timezone: str
    episodes: list[ProposedEpisode]
    code: None | str
    message: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        timezone = self.timezone

        episodes = []
        for episodes_item_data in self.episodes:
            episodes_item = episodes_item_data.to_dict()
            episodes.append(episodes_item)

        code: None | str
        code = self.code

        message: None | str
        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "timezone": timezone,
                "episodes": episodes,
                "code": code,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.proposed_episode import ProposedEpisode

        d = dict(src_dict)
        clinic = d.pop("clinic")

        timezone = d.pop("timezone")

        episodes = []
        _episodes = d.pop("episodes")
        for episodes_item_data in _episodes:
            episodes_item = ProposedEpisode.from_dict(episodes_item_data)

            episodes.append(episodes_item)

        def _parse_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code = _parse_code(d.pop("code"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        episode_proposals = cls(
            clinic=clinic,
            timezone=timezone,
            episodes=episodes,
            code=code,
            message=message,
        )

        episode_proposals.additional_properties = d
        return episode_proposals

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
