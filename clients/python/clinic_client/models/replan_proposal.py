from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.replan_kind_enum import ReplanKindEnum

if TYPE_CHECKING:
    from ..models.replan_patient import ReplanPatient
    from ..models.replan_place import ReplanPlace
    from ..models.replan_refusal import ReplanRefusal


T = TypeVar("T", bound="ReplanProposal")


@_attrs_define
class ReplanProposal:
    """
    Attributes:
        session (int): The stranded session (id).
        sequence (int): k in 'session k of n'.
        patient (ReplanPatient):
        now (ReplanPlace):
        needs_moving_reasons (list[str]): Why it is stranded (rule codes, e.g. clinic_closed, nurse_absent); empty when
            not marked.
        kind (ReplanKindEnum): * `reassign` - reassign
            * `move` - move
            * `none` - none
        proposal (None | ReplanPlace): The proposed place (null when `kind` is `none`).
        refusal (None | ReplanRefusal): Why there is no proposal (null otherwise).
    """

    session: int
    sequence: int
    patient: ReplanPatient
    now: ReplanPlace
    needs_moving_reasons: list[str]
    kind: ReplanKindEnum
    proposal: None | ReplanPlace
    refusal: None | ReplanRefusal
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.replan_place import ReplanPlace
        from ..models.replan_refusal import ReplanRefusal

        session = self.session

        sequence = self.sequence

        patient = self.patient.to_dict()

        now = self.now.to_dict()

        needs_moving_reasons = self.needs_moving_reasons

        kind = self.kind.value

        proposal: dict[str, Any] | None
        if isinstance(self.proposal, ReplanPlace):
            proposal = self.proposal.to_dict()
        else:
            proposal = self.proposal

        refusal: dict[str, Any] | None
        if isinstance(self.refusal, ReplanRefusal):
            refusal = self.refusal.to_dict()
        else:
            refusal = self.refusal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session": session,
                "sequence": sequence,
                "patient": patient,
                "now": now,
                "needs_moving_reasons": needs_moving_reasons,
                "kind": kind,
                "proposal": proposal,
                "refusal": refusal,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.replan_patient import ReplanPatient
        from ..models.replan_place import ReplanPlace
        from ..models.replan_refusal import ReplanRefusal

        d = dict(src_dict)
        session = d.pop("session")

        sequence = d.pop("sequence")

        patient = ReplanPatient.from_dict(d.pop("patient"))

        now = ReplanPlace.from_dict(d.pop("now"))

        needs_moving_reasons = cast(list[str], d.pop("needs_moving_reasons"))

        kind = ReplanKindEnum(d.pop("kind"))

        def _parse_proposal(data: object) -> None | ReplanPlace:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                proposal_type_1 = ReplanPlace.from_dict(data)

                return proposal_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReplanPlace, data)

        proposal = _parse_proposal(d.pop("proposal"))

        def _parse_refusal(data: object) -> None | ReplanRefusal:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refusal_type_1 = ReplanRefusal.from_dict(data)

                return refusal_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReplanRefusal, data)

        refusal = _parse_refusal(d.pop("refusal"))

        replan_proposal = cls(
            session=session,
            sequence=sequence,
            patient=patient,
            now=now,
            needs_moving_reasons=needs_moving_reasons,
            kind=kind,
            proposal=proposal,
            refusal=refusal,
        )

        replan_proposal.additional_properties = d
        return replan_proposal

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
