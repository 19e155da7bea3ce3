from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.urgent_flag import UrgentFlag


T = TypeVar("T", bound="MeasureScore")


@_attrs_define
class MeasureScore:
    """
    Attributes:
        measure (int):
        session (int):
        sequence (int):
        instrument (str):
        version (int): 1, then one more for each correction.
        source (str):
        answers (list[int]):
        answered_at (datetime.datetime):
        total (int):
        band (str):
        band_label (str):
        baseline (int | None): The course's first score on this instrument.
        change_from_baseline (int | None):
        response (bool): A drop of at least 50 % from the baseline.
        remission (bool): PHQ-9 or GAD-7 total below 5.
        flags (list[UrgentFlag]):
    """

    measure: int
    session: int
    sequence: int
    instrument: str
    version: int
    source: str
    answers: list[int]
    answered_at: datetime.datetime
    total: int
    band: str
    band_label: str
    baseline: int | None
    change_from_baseline: int | None
    response: bool
    remission: bool
    flags: list[UrgentFlag]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        measure = self.measure

        session = self.session

        sequence = self.sequence

        instrument = self.instrument

        version = self.version

        source = self.source

        answers = self.answers

        answered_at = self.answered_at.isoformat()

        total = self.total

        band = self.band

        band_label = self.band_label

        baseline: int | None
        baseline = self.baseline

        change_from_baseline: int | None
        change_from_baseline = self.change_from_baseline

        response = self.response

        remission = self.remission

        flags = []
        for flags_item_data in self.flags:
            flags_item = flags_item_data.to_dict()
            flags.append(flags_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "measure": measure,
                "session": session,
                "sequence": sequence,
                "instrument": instrument,
                "version": version,
                "source": source,
                "answers": answers,
                "answered_at": answered_at,
                "total": total,
                "band": band,
                "band_label": band_label,
                "baseline": baseline,
                "change_from_baseline": change_from_baseline,
                "response": response,
                "remission": remission,
                "flags": flags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.urgent_flag import UrgentFlag

        d = dict(src_dict)
        measure = d.pop("measure")

        session = d.pop("session")

        sequence = d.pop("sequence")

        instrument = d.pop("instrument")

        version = d.pop("version")

        source = d.pop("source")

        answers = cast(list[int], d.pop("answers"))

        answered_at = datetime.datetime.fromisoformat(d.pop("answered_at"))

        total = d.pop("total")

        band = d.pop("band")

        band_label = d.pop("band_label")

        def _parse_baseline(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        baseline = _parse_baseline(d.pop("baseline"))

        def _parse_change_from_baseline(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        change_from_baseline = _parse_change_from_baseline(d.pop("change_from_baseline"))

        response = d.pop("response")

        remission = d.pop("remission")

        flags = []
        _flags = d.pop("flags")
        for flags_item_data in _flags:
            flags_item = UrgentFlag.from_dict(flags_item_data)

            flags.append(flags_item)

        measure_score = cls(
            measure=measure,
            session=session,
            sequence=sequence,
            instrument=instrument,
            version=version,
            source=source,
            answers=answers,
            answered_at=answered_at,
            total=total,
            band=band,
            band_label=band_label,
            baseline=baseline,
            change_from_baseline=change_from_baseline,
            response=response,
            remission=remission,
            flags=flags,
        )

        measure_score.additional_properties = d
        return measure_score

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
