from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EpisodeReviewRequest")


@_attrs_define
class EpisodeReviewRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        visit (int): The review visit (id) of this episode.
        done (bool): true: the review was done; false: it was missed (it goes on the clinicians' worklist at once).
        note (str | Unset): Staff only; never in an email. Default: ''.
    """

    visit: int
    done: bool
    note: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        visit = self.visit

        done = self.done

        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "visit": visit,
                "done": done,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        visit = d.pop("visit")

        done = d.pop("done")

        note = d.pop("note", UNSET)

        episode_review_request = cls(
            visit=visit,
            done=done,
            note=note,
        )

        episode_review_request.additional_properties = d
        return episode_review_request

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
