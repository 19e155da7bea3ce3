from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum

if TYPE_CHECKING:
    from ..models.audit_actor import AuditActor
    from ..models.audit_entry_changes import AuditEntryChanges


T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        id (int):
        action (ActionEnum):
        object_type (str): patient, cycle, session, or <app>.<model>.
        object_id (str):
        patient (int | None): The patient concerned (id).
        clinic (int | None):
        actor (AuditActor | None): Who; null for the system or a patient's own link.
        remote_addr (None | str): From where: the client's address.
        timestamp (datetime.datetime): When.
        changes (AuditEntryChanges): {field: [old, new]}; empty for a read.
    """

    id: int
    action: ActionEnum
    object_type: str
    object_id: str
    patient: int | None
    clinic: int | None
    actor: AuditActor | None
    remote_addr: None | str
    timestamp: datetime.datetime
    changes: AuditEntryChanges
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_actor import AuditActor

        id = self.id

        action = self.action.value

        object_type = self.object_type

        object_id = self.object_id

        patient: int | None
        patient = self.patient

        clinic: int | None
        clinic = self.clinic

        actor: dict[str, Any] | None
        if isinstance(self.actor, AuditActor):
            actor = self.actor.to_dict()
        else:
            actor = self.actor

        remote_addr: None | str
        remote_addr = self.remote_addr

        timestamp = self.timestamp.isoformat()

        changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "patient": patient,
                "clinic": clinic,
                "actor": actor,
                "remote_addr": remote_addr,
                "timestamp": timestamp,
                "changes": changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_actor import AuditActor
        from ..models.audit_entry_changes import AuditEntryChanges

        d = dict(src_dict)
        id = d.pop("id")

        action = ActionEnum(d.pop("action"))

        object_type = d.pop("object_type")

        object_id = d.pop("object_id")

        def _parse_patient(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        patient = _parse_patient(d.pop("patient"))

        def _parse_clinic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        clinic = _parse_clinic(d.pop("clinic"))

        def _parse_actor(data: object) -> AuditActor | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                actor_type_1 = AuditActor.from_dict(data)

                return actor_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditActor | None, data)

        actor = _parse_actor(d.pop("actor"))

        def _parse_remote_addr(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remote_addr = _parse_remote_addr(d.pop("remote_addr"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        changes = AuditEntryChanges.from_dict(d.pop("changes"))

        audit_entry = cls(
            id=id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            patient=patient,
            clinic=clinic,
            actor=actor,
            remote_addr=remote_addr,
            timestamp=timestamp,
            changes=changes,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
