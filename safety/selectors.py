"""What a session's safety checks say: each check passed, flagged, missing or stale; what an override covers; the
recovery check. The one home of these rules: the gates, the API and the desk all read `checks_status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from bookings.models import InfusionSession
from safety.models import (
    CARRIED_KINDS,
    CheckEntry,
    CheckKind,
    CheckOverride,
    OverridePhase,
    PregnancyAnswer,
    RecoveryCheck,
    SafetySettings,
    checks_for,
    settings_for,
)

PASSED = "passed"
FLAGGED = "flagged"
MISSING = "missing"
STALE = "stale"

# The state of a session's checks as a whole.
NOT_REQUIRED = "not_required"
PENDING = "pending"
OVERRIDDEN = "overridden"


def entry_flagged(*, kind: str, settings: SafetySettings, systolic: int | None = None, diastolic: int | None = None,
                  value: Decimal | None = None, confirmed: bool | None = None, answer: str = "") -> bool:
    """Whether a value is outside the clinic's thresholds (or an attestation is not given)."""
    if kind == CheckKind.BLOOD_PRESSURE:
        return bp_flagged(systolic or 0, diastolic or 0, settings)
    if kind == CheckKind.HEART_RATE:
        return value is not None and not settings.heart_rate_min <= value <= settings.heart_rate_max
    if kind == CheckKind.OXYGEN_SATURATION:
        return value is not None and value < settings.oxygen_saturation_min
    if kind in (CheckKind.FASTING, CheckKind.ESCORT):
        return confirmed is not True
    if kind == CheckKind.PREGNANCY:
        return answer == PregnancyAnswer.POSSIBLY_PREGNANT
    return False


def bp_flagged(systolic: int, diastolic: int, settings: SafetySettings) -> bool:
    """Above the clinic's limits (default 140/90): either number above its limit."""
    return systolic > settings.systolic_max or diastolic > settings.diastolic_max


@dataclass(frozen=True)
class ItemState:
    kind: str
    status: str
    entry: CheckEntry | None


@dataclass
class ChecksStatus:
    session: InfusionSession
    required: bool
    settings: SafetySettings
    items: list[ItemState] = field(default_factory=list)
    override: CheckOverride | None = None
    recovery: RecoveryCheck | None = None
    recovery_override: CheckOverride | None = None
    entries: list[CheckEntry] = field(default_factory=list)

    @property
    def extra_monitoring(self) -> bool:
        """Sessions 1 to the protocol's `extra_monitoring_sessions` (default 3): most severe blood-pressure rises
        come in the first infusions."""
        return self.session.sequence <= self.session.cycle.protocol.extra_monitoring_sessions

    @property
    def outstanding(self) -> dict[str, int | None]:
        """Each check not passed → the id of its latest entry (None when missing or stale)."""
        return {i.kind: (i.entry.pk if i.entry and i.status == FLAGGED else None)
                for i in self.items if i.status != PASSED}

    @property
    def uncovered(self) -> dict[str, int | None]:
        covers = self.override.covers if self.override else {}
        return {k: v for k, v in self.outstanding.items() if k not in covers or covers[k] != v}

    @property
    def pending(self) -> list[str]:
        """Checks missing or stale that no override covers."""
        by_kind = {i.kind: i.status for i in self.items}
        return [k for k in self.uncovered if by_kind[k] in (MISSING, STALE)]

    @property
    def flagged(self) -> list[str]:
        by_kind = {i.kind: i.status for i in self.items}
        return [k for k in self.uncovered if by_kind[k] == FLAGGED]

    @property
    def state(self) -> str:
        if not self.required:
            return NOT_REQUIRED
        if not self.outstanding:
            return PASSED
        if not self.uncovered:
            return OVERRIDDEN
        return FLAGGED if self.flagged else PENDING

    @property
    def may_start(self) -> bool:
        return self.state in (NOT_REQUIRED, PASSED, OVERRIDDEN)

    # --- the recovery check ---------------------------------------------------------------------

    @property
    def recovery_outstanding(self) -> dict[str, int | None]:
        check = self.recovery
        if check is None:
            return {"recovery_check": None}
        items: dict[str, int | None] = {}
        if bp_flagged(check.systolic, check.diastolic, self.settings):
            items["blood_pressure"] = check.pk
        if not check.alert_and_oriented:
            items["alert_and_oriented"] = check.pk
        if not check.escort_present:
            items["escort_present"] = check.pk
        return items

    @property
    def recovery_uncovered(self) -> dict[str, int | None]:
        covers = self.recovery_override.covers if self.recovery_override else {}
        return {k: v for k, v in self.recovery_outstanding.items() if k not in covers or covers[k] != v}

    @property
    def recovery_state(self) -> str:
        if not self.required:
            return NOT_REQUIRED
        if self.recovery is None:
            return PENDING
        if not self.recovery_outstanding:
            return PASSED
        return OVERRIDDEN if not self.recovery_uncovered else FLAGGED

    @property
    def may_complete(self) -> bool:
        return self.recovery_state in (NOT_REQUIRED, PASSED, OVERRIDDEN)


def _latest(entries: list[CheckEntry]) -> dict[str, CheckEntry]:
    latest: dict[str, CheckEntry] = {}
    for entry in entries:  # ordered by recorded_at, pk: the last one wins
        latest[entry.kind] = entry
    return latest


def checks_status(*, session: InfusionSession, at: dt.datetime | None = None) -> ChecksStatus:
    """The session's checks as they stand (`at`: when weight and pregnancy age is judged; default the session's
    start in the chair, else now). Four or five queries, whatever is stored."""
    settings = settings_for(session.clinic_id)
    protocol = session.cycle.protocol
    kinds = checks_for(protocol).kinds()
    required = settings.safety_checks_required and bool(kinds)
    at = at or session.chair_started_at or timezone.now()
    entries = list(
        CheckEntry.objects.filter(patient_id=session.patient_id)
        .filter(Q(session=session) | Q(kind__in=CARRIED_KINDS, recorded_at__lte=at))
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    )
    own = [e for e in entries if e.session_id == session.pk]
    here = _latest(own)
    carried = _latest([e for e in entries if e.kind in CARRIED_KINDS])
    ages: dict[str, int] = {CheckKind.WEIGHT: settings.weight_max_age_days,
                            CheckKind.PREGNANCY: settings.pregnancy_window_days}
    items = []
    for kind in kinds:
        if kind in CARRIED_KINDS:
            entry = carried.get(kind)
            if entry is None:
                items.append(ItemState(kind, MISSING, None))
            elif entry.recorded_at < at - dt.timedelta(days=ages[kind]):
                items.append(ItemState(kind, STALE, entry))
            else:
                items.append(ItemState(kind, FLAGGED if entry.flagged else PASSED, entry))
        else:
            entry = here.get(kind)
            status = MISSING if entry is None else FLAGGED if entry.flagged else PASSED
            items.append(ItemState(kind, status, entry))
    overrides = list(CheckOverride.objects.filter(session=session).select_related("overridden_by").order_by("overridden_at", "pk"))
    recovery = RecoveryCheck.objects.filter(session=session).select_related("recorded_by").order_by("-version").first()
    return ChecksStatus(
        session=session, required=required, settings=settings, items=items, entries=own,
        override=next((o for o in reversed(overrides) if o.phase == OverridePhase.START), None),
        recovery=recovery,
        recovery_override=next((o for o in reversed(overrides) if o.phase == OverridePhase.COMPLETE), None),
    )


def recovery_history(*, session: InfusionSession) -> list[RecoveryCheck]:
    return list(RecoveryCheck.objects.filter(session=session).select_related("recorded_by").order_by("version"))


def overrides_of(*, session: InfusionSession) -> list[CheckOverride]:
    return list(CheckOverride.objects.filter(session=session).select_related("overridden_by").order_by("overridden_at", "pk"))
