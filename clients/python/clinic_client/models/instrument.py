from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.instrument_band import InstrumentBand
    from ..models.instrument_scale_option import InstrumentScaleOption


T = TypeVar("T", bound="Instrument")


@_attrs_define
class Instrument:
    """
    Attributes:
        code (str): phq9, gad7, pcl5, pain.
        name (str):
        items (list[str]): The items' texts, item 1 first.
        scale (list[InstrumentScaleOption]): The answer scale every item uses.
        bands (list[InstrumentBand]): Severity bands of the total.
        urgent_items (list[int]): Items whose answer above 0 raises an urgent flag.
        version (int | Unset):  Default: 1.
        preamble (str | Unset):
        remission_below (int | None | Unset): Remission: a total below this.
    """

    code: str
    name: str
    items: list[str]
    scale: list[InstrumentScaleOption]
    bands: list[InstrumentBand]
    urgent_items: list[int]
    version: int | Unset = 1
    preamble: str | Unset = UNSET
    remission_below: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        items = self.items

        scale = []
        for scale_item_data in self.scale:
            scale_item = scale_item_data.to_dict()
            scale.append(scale_item)

        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        urgent_items = self.urgent_items

        version = self.version

        preamble = self.preamble

        remission_below: int | None | Unset
        if isinstance(self.remission_below, Unset):
            remission_below = UNSET
        else:
            remission_below = self.remission_below

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "items": items,
                "scale": scale,
                "bands": bands,
                "urgent_items": urgent_items,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if preamble is not UNSET:
            field_dict["preamble"] = preamble
        if remission_below is not UNSET:
            field_dict["remission_below"] = remission_below

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.instrument_band import InstrumentBand
        from ..models.instrument_scale_option import InstrumentScaleOption

        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        items = cast(list[str], d.pop("items"))

        scale = []
        _scale = d.pop("scale")
        for scale_item_data in _scale:
            scale_item = InstrumentScaleOption.from_dict(scale_item_data)

            scale.append(scale_item)

        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = InstrumentBand.from_dict(bands_item_data)

            bands.append(bands_item)

        urgent_items = cast(list[int], d.pop("urgent_items"))

        version = d.pop("version", UNSET)

        preamble = d.pop("preamble", UNSET)

        def _parse_remission_below(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        remission_below = _parse_remission_below(d.pop("remission_below", UNSET))

        instrument = cls(
            code=code,
            name=name,
            items=items,
            scale=scale,
            bands=bands,
            urgent_items=urgent_items,
            version=version,
            preamble=preamble,
            remission_below=remission_below,
        )

        instrument.additional_properties = d
        return instrument

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
