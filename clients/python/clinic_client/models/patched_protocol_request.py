from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.route_enum import RouteEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedProtocolRequest")


@_attrs_define
class PatchedProtocolRequest:
    """A treatment protocol: sessions per course, their spacing and chair time. No clinic: a shared template.

    Attributes:
        clinic (int | None | Unset): Id of the clinic (one of yours) that owns the protocol; null for a template shared
            by every clinic, which only a superuser may create or change. Fixed once created.
        name (str | Unset):
        slug (str | Unset): Unique among the clinic's protocols (or among the shared templates).
        indication (str | Unset):
        route (RouteEnum | Unset): * `iv` - Intravenous
            * `sc` - Subcutaneous
            * `im` - Intramuscular
            * `nasal` - Nasal
            * `oral` - Oral
        is_active (bool | Unset):
        session_count (int | Unset): Sessions in one course, 1–52.
        chair_minutes (int | Unset): How long one visit holds a chair, 15–720 minutes: pre-checks, infusion, recovery
            and turnover.
        first_visit_extra_minutes (int | Unset): Added to the first visit's chair time.
        min_gap_hours (int | None | Unset): Least time from one session's start to the next one's.
        max_gap_hours (int | None | Unset): Most time from one session's start to the next one's; ≥ min_gap_hours.
        min_gap_days (int | None | Unset): Least number of calendar days between sessions (clinic dates).
        max_gap_days (int | None | Unset): Most calendar days between sessions; ≥ min_gap_days.
        consecutive_weekdays (bool | Unset): Each session on the weekday (Mon–Fri) right after the previous one.
        window_days (int | None | Unset): Hard limit: all sessions fall within this many calendar days, the first day
            counting as 1; ≥ target_window_days.
        target_window_days (int | None | Unset): The planner aims to fit the course within this many days.
        warn_window_days (int | None | Unset): Warn (but allow) when the course stretches past this many days.
        extra_monitoring_sessions (int | Unset): Sessions 1 to this number carry the extra-monitoring flag.
        review_after_session (int | None | Unset): Flag the course for a clinician's review after this session.
        recall_min_days (int | None | Unset): Booster protocols: earliest recall after the last session.
        recall_max_days (int | None | Unset): Booster protocols: latest recall after the last session; ≥
            recall_min_days.
        notes (str | Unset):
    """

    clinic: int | None | Unset = UNSET
    name: str | Unset = UNSET
    slug: str | Unset = UNSET
    indication: str | Unset = UNSET
    route: RouteEnum | Unset = UNSET
    is_active: bool | Unset = UNSET
    session_count: int | Unset = UNSET
    chair_minutes: int | Unset = UNSET
    first_visit_extra_minutes: int | Unset = UNSET
    min_gap_hours: int | None | Unset = UNSET
    max_gap_hours: int | None | Unset = UNSET
    min_gap_days: int | None | Unset = UNSET
    max_gap_days: int | None | Unset = UNSET
    consecutive_weekdays: bool | Unset = UNSET
    window_days: int | None | Unset = UNSET
    target_window_days: int | None | Unset = UNSET
    warn_window_days: int | None | Unset = UNSET
    extra_monitoring_sessions: int | Unset = UNSET
    review_after_session: int | None | Unset = UNSET
    recall_min_days: int | None | Unset = UNSET
    recall_max_days: int | None | Unset = UNSET
    notes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic: int | None | Unset
        if isinstance(self.clinic, Unset):
            clinic = UNSET
        else:
            clinic = self.clinic

        name = self.name

        slug = self.slug

        indication = self.indication

        route: str | Unset = UNSET
        if not isinstance(self.route, Unset):
            route = self.route.value

        is_active = self.is_active

        session_count = self.session_count

        chair_minutes = self.chair_minutes

        first_visit_extra_minutes = self.first_visit_extra_minutes

        min_gap_hours: int | None | Unset
        if isinstance(self.min_gap_hours, Unset):
            min_gap_hours = UNSET
        else:
            min_gap_hours = self.min_gap_hours

        max_gap_hours: int | None | Unset
        if isinstance(self.max_gap_hours, Unset):
            max_gap_hours = UNSET
        else:
            max_gap_hours = self.max_gap_hours

        min_gap_days: int | None | Unset
        if isinstance(self.min_gap_days, Unset):
            min_gap_days = UNSET
        else:
            min_gap_days = self.min_gap_days

        max_gap_days: int | None | Unset
        if isinstance(self.max_gap_days, Unset):
            max_gap_days = UNSET
        else:
            max_gap_days = self.max_gap_days

        consecutive_weekdays = self.consecutive_weekdays

        window_days: int | None | Unset
        if isinstance(self.window_days, Unset):
            window_days = UNSET
        else:
            window_days = self.window_days

        target_window_days: int | None | Unset
        if isinstance(self.target_window_days, Unset):
            target_window_days = UNSET
        else:
            target_window_days = self.target_window_days

        warn_window_days: int | None | Unset
        if isinstance(self.warn_window_days, Unset):
            warn_window_days = UNSET
        else:
            warn_window_days = self.warn_window_days

        extra_monitoring_sessions = self.extra_monitoring_sessions

        review_after_session: int | None | Unset
        if isinstance(self.review_after_session, Unset):
            review_after_session = UNSET
        else:
            review_after_session = self.review_after_session

        recall_min_days: int | None | Unset
        if isinstance(self.recall_min_days, Unset):
            recall_min_days = UNSET
        else:
            recall_min_days = self.recall_min_days

        recall_max_days: int | None | Unset
        if isinstance(self.recall_max_days, Unset):
            recall_max_days = UNSET
        else:
            recall_max_days = self.recall_max_days

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if clinic is not UNSET:
            field_dict["clinic"] = clinic
        if name is not UNSET:
            field_dict["name"] = name
        if slug is not UNSET:
            field_dict["slug"] = slug
        if indication is not UNSET:
            field_dict["indication"] = indication
        if route is not UNSET:
            field_dict["route"] = route
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if session_count is not UNSET:
            field_dict["session_count"] = session_count
        if chair_minutes is not UNSET:
            field_dict["chair_minutes"] = chair_minutes
        if first_visit_extra_minutes is not UNSET:
            field_dict["first_visit_extra_minutes"] = first_visit_extra_minutes
        if min_gap_hours is not UNSET:
            field_dict["min_gap_hours"] = min_gap_hours
        if max_gap_hours is not UNSET:
            field_dict["max_gap_hours"] = max_gap_hours
        if min_gap_days is not UNSET:
            field_dict["min_gap_days"] = min_gap_days
        if max_gap_days is not UNSET:
            field_dict["max_gap_days"] = max_gap_days
        if consecutive_weekdays is not UNSET:
            field_dict["consecutive_weekdays"] = consecutive_weekdays
        if window_days is not UNSET:
            field_dict["window_days"] = window_days
        if target_window_days is not UNSET:
            field_dict["target_window_days"] = target_window_days
        if warn_window_days is not UNSET:
            field_dict["warn_window_days"] = warn_window_days
        if extra_monitoring_sessions is not UNSET:
            field_dict["extra_monitoring_sessions"] = extra_monitoring_sessions
        if review_after_session is not UNSET:
            field_dict["review_after_session"] = review_after_session
        if recall_min_days is not UNSET:
            field_dict["recall_min_days"] = recall_min_days
        if recall_max_days is not UNSET:
            field_dict["recall_max_days"] = recall_max_days
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_clinic(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        clinic = _parse_clinic(d.pop("clinic", UNSET))

        name = d.pop("name", UNSET)

        slug = d.pop("slug", UNSET)

        indication = d.pop("indication", UNSET)

        _route = d.pop("route", UNSET)
        route: RouteEnum | Unset
        if isinstance(_route, Unset):
            route = UNSET
        else:
            route = RouteEnum(_route)

        is_active = d.pop("is_active", UNSET)

        session_count = d.pop("session_count", UNSET)

        chair_minutes = d.pop("chair_minutes", UNSET)

        first_visit_extra_minutes = d.pop("first_visit_extra_minutes", UNSET)

        def _parse_min_gap_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_gap_hours = _parse_min_gap_hours(d.pop("min_gap_hours", UNSET))

        def _parse_max_gap_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_gap_hours = _parse_max_gap_hours(d.pop("max_gap_hours", UNSET))

        def _parse_min_gap_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_gap_days = _parse_min_gap_days(d.pop("min_gap_days", UNSET))

        def _parse_max_gap_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_gap_days = _parse_max_gap_days(d.pop("max_gap_days", UNSET))

        consecutive_weekdays = d.pop("consecutive_weekdays", UNSET)

        def _parse_window_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        window_days = _parse_window_days(d.pop("window_days", UNSET))

        def _parse_target_window_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        target_window_days = _parse_target_window_days(d.pop("target_window_days", UNSET))

        def _parse_warn_window_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        warn_window_days = _parse_warn_window_days(d.pop("warn_window_days", UNSET))

        extra_monitoring_sessions = d.pop("extra_monitoring_sessions", UNSET)

        def _parse_review_after_session(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        review_after_session = _parse_review_after_session(d.pop("review_after_session", UNSET))

        def _parse_recall_min_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        recall_min_days = _parse_recall_min_days(d.pop("recall_min_days", UNSET))

        def _parse_recall_max_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        recall_max_days = _parse_recall_max_days(d.pop("recall_max_days", UNSET))

        notes = d.pop("notes", UNSET)

        patched_protocol_request = cls(
            clinic=clinic,
            name=name,
            slug=slug,
            indication=indication,
            route=route,
            is_active=is_active,
            session_count=session_count,
            chair_minutes=chair_minutes,
            first_visit_extra_minutes=first_visit_extra_minutes,
            min_gap_hours=min_gap_hours,
            max_gap_hours=max_gap_hours,
            min_gap_days=min_gap_days,
            max_gap_days=max_gap_days,
            consecutive_weekdays=consecutive_weekdays,
            window_days=window_days,
            target_window_days=target_window_days,
            warn_window_days=warn_window_days,
            extra_monitoring_sessions=extra_monitoring_sessions,
            review_after_session=review_after_session,
            recall_min_days=recall_min_days,
            recall_max_days=recall_max_days,
            notes=notes,
        )

        patched_protocol_request.additional_properties = d
        return patched_protocol_request

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
