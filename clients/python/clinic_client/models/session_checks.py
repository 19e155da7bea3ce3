from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.safety_check_state_enum import SafetyCheckStateEnum

if TYPE_CHECKING:
    from ..models.check_entry import CheckEntry
    from ..models.check_item import CheckItem
    from ..models.check_override import CheckOverride
    from ..models.recovery_check import RecoveryCheck


T = TypeVar("T", bound="SessionChecks")


@_attrs_define
class SessionChecks:
    """A session's safety checks. The fields after `recovery_state` are null for the front desk.

    Attributes:
        session (int):
        required (bool): The clinic asks for checks and the protocol names some.
        extra_monitoring (bool): Sessions 1–3 of a course (the protocol's number).
        state (SafetyCheckStateEnum): * `not_required` - not_required
            * `pending` - pending
            * `flagged` - flagged
            * `passed` - passed
            * `overridden` - overridden
        recovery_state (SafetyCheckStateEnum): * `not_required` - not_required
            * `pending` - pending
            * `flagged` - flagged
            * `passed` - passed
            * `overridden` - overridden
        pending (list[str] | None): Checks missing or stale that no override covers.
        flagged (list[str] | None):
        items (list[CheckItem] | None): Each check the protocol asks for and its latest entry.
        entries (list[CheckEntry] | None): Every entry at this session, corrections too.
        override (CheckOverride | None):
        recovery (None | RecoveryCheck): The latest recovery check.
        recovery_override (CheckOverride | None):
    """

    session: int
    required: bool
    extra_monitoring: bool
    state: SafetyCheckStateEnum
    recovery_state: SafetyCheckStateEnum
    pending: list[str] | None
    flagged: list[str] | None
    items: list[CheckItem] | None
    entries: list[CheckEntry] | None
    override: CheckOverride | None
    recovery: None | RecoveryCheck
    recovery_override: CheckOverride | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.check_override import CheckOverride
        from ..models.recovery_check import RecoveryCheck

        session = self.session

        required = self.required

        extra_monitoring = self.extra_monitoring

        state = self.state.value

        recovery_state = self.recovery_state.value

        pending: list[str] | None
        if isinstance(self.pending, list):
            pending = self.pending

        else:
            pending = self.pending

        flagged: list[str] | None
        if isinstance(self.flagged, list):
            flagged = self.flagged

        else:
            flagged = self.flagged

        items: list[dict[str, Any]] | None
        if isinstance(self.items, list):
            items = []
            for items_type_0_item_data in self.items:
                items_type_0_item = items_type_0_item_data.to_dict()
                items.append(items_type_0_item)

        else:
            items = self.items

        entries: list[dict[str, Any]] | None
        if isinstance(self.entries, list):
            entries = []
            for entries_type_0_item_data in self.entries:
                entries_type_0_item = entries_type_0_item_data.to_dict()
                entries.append(entries_type_0_item)

        else:
            entries = self.entries

        override: dict[str, Any] | None
        if isinstance(self.override, CheckOverride):
            override = self.override.to_dict()
        else:
            override = self.override

        recovery: dict[str, Any] | None
        if isinstance(self.recovery, RecoveryCheck):
            recovery = self.recovery.to_dict()
        else:
            recovery = self.recovery

        recovery_override: dict[str, Any] | None
        if isinstance(self.recovery_override, CheckOverride):
            recovery_override = self.recovery_override.to_dict()
        else:
            recovery_override = self.recovery_override

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session": session,
                "required": required,
                "extra_monitoring": extra_monitoring,
                "state": state,
                "recovery_state": recovery_state,
                "pending": pending,
                "flagged": flagged,
                "items": items,
                "entries": entries,
                "override": override,
                "recovery": recovery,
                "recovery_override": recovery_override,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.check_entry import CheckEntry
        from ..models.check_item import CheckItem
        from ..models.check_override import CheckOverride
        from ..models.recovery_check import RecoveryCheck

        d = dict(src_dict)
        session = d.pop("session")

        required = d.pop("required")

        extra_monitoring = d.pop("extra_monitoring")

        state = SafetyCheckStateEnum(d.pop("state"))

        recovery_state = SafetyCheckStateEnum(d.pop("recovery_state"))

        def _parse_pending(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                pending_type_0 = cast(list[str], data)

                return pending_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        pending = _parse_pending(d.pop("pending"))

        def _parse_flagged(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                flagged_type_0 = cast(list[str], data)

                return flagged_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        flagged = _parse_flagged(d.pop("flagged"))

        def _parse_items(data: object) -> list[CheckItem] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                items_type_0 = []
                _items_type_0 = data
                for items_type_0_item_data in _items_type_0:
                    items_type_0_item = CheckItem.from_dict(items_type_0_item_data)

                    items_type_0.append(items_type_0_item)

                return items_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CheckItem] | None, data)

        items = _parse_items(d.pop("items"))

        def _parse_entries(data: object) -> list[CheckEntry] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                entries_type_0 = []
                _entries_type_0 = data
                for entries_type_0_item_data in _entries_type_0:
                    entries_type_0_item = CheckEntry.from_dict(entries_type_0_item_data)

                    entries_type_0.append(entries_type_0_item)

                return entries_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CheckEntry] | None, data)

        entries = _parse_entries(d.pop("entries"))

        def _parse_override(data: object) -> CheckOverride | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                override_type_1 = CheckOverride.from_dict(data)

                return override_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CheckOverride | None, data)

        override = _parse_override(d.pop("override"))

        def _parse_recovery(data: object) -> None | RecoveryCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recovery_type_1 = RecoveryCheck.from_dict(data)

                return recovery_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecoveryCheck, data)

        recovery = _parse_recovery(d.pop("recovery"))

        def _parse_recovery_override(data: object) -> CheckOverride | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recovery_override_type_1 = CheckOverride.from_dict(data)

                return recovery_override_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CheckOverride | None, data)

        recovery_override = _parse_recovery_override(d.pop("recovery_override"))

        session_checks = cls(
            session=session,
            required=required,
            extra_monitoring=extra_monitoring,
            state=state,
            recovery_state=recovery_state,
            pending=pending,
            flagged=flagged,
            items=items,
            entries=entries,
            override=override,
            recovery=recovery,
            recovery_override=recovery_override,
        )

        session_checks.additional_properties = d
        return session_checks

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
