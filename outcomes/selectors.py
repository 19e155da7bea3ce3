"""Reads of outcome measures: instruments, the instruments a protocol asks for, a course's scores against its
baseline, a session's forms done or missing, the clinic's open urgent flags."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from bookings.models import InfusionSession, TreatmentCycle
from common.errors import ApplicationError
from outcomes import error_codes as codes
from outcomes import instrument_data, scoring
from outcomes.models import CourseReview, Instrument, Measure, ProtocolInstrument, UrgentFlag
from scheduler.models import Clinic, Protocol


def instruments_current() -> QuerySet[Instrument]:
    return Instrument.objects.filter(is_current=True).order_by("code")


def instrument_get(*, code: str) -> Instrument:
    """The current version of an instrument; 400 `instrument_unknown` for a code no instrument has."""
    instrument = Instrument.objects.filter(code=code, is_current=True).first() if isinstance(code, str) else None
    if instrument is None:
        known = sorted(instruments_current().values_list("code", flat=True))
        raise ApplicationError(
            codes.INSTRUMENT_UNKNOWN, f"No instrument is called {str(code)[:20]!r}; known: {', '.join(known)}.",
            details={"known": known}, status=codes.http_status(codes.INSTRUMENT_UNKNOWN),
        )
    return instrument


def protocol_instrument_codes(protocol: Protocol) -> list[str]:
    """The instruments a protocol's sessions ask for: those named for it, else the defaults of its slug (the
    shared protocols), else of its indication's words (a clinic's own protocol)."""
    named = sorted(ProtocolInstrument.objects.filter(protocol=protocol).values_list("instrument_code", flat=True))
    if named:
        return named
    if protocol.slug in instrument_data.PROTOCOL_DEFAULTS:
        return list(instrument_data.PROTOCOL_DEFAULTS[protocol.slug])
    words = f"{protocol.indication} {protocol.slug}".lower().replace("-", " ").split()
    for word in words:
        if word in instrument_data.INDICATION_DEFAULTS:
            return list(instrument_data.INDICATION_DEFAULTS[word])
    return []


def baseline_of(*, cycle_id: int, instrument_code: str) -> Measure | None:
    """The course's baseline: the current answers of its earliest session answered on this instrument."""
    return (
        Measure.objects.filter(cycle_id=cycle_id, instrument_code=instrument_code, is_current=True)
        .select_related("session").order_by("session__sequence", "session__starts_at", "pk").first()
    )


@dataclass(frozen=True)
class MeasureRead:
    measure: Measure
    total: int
    band: str
    band_label: str
    change_from_baseline: int | None
    response: bool
    remission: bool
    baseline: int | None
    flags: list[UrgentFlag]


def measure_read(measure: Measure, *, baseline: int | None, flags: list[UrgentFlag] | None = None) -> MeasureRead:
    definition = measure.instrument.definition()
    band = scoring.band_for(definition, measure.total)
    course = scoring.course_read(total=measure.total, baseline=baseline, remission_below=measure.instrument.remission_below)
    return MeasureRead(
        measure=measure, total=measure.total, band=band["code"], band_label=band["label"],
        change_from_baseline=course.change_from_baseline, response=course.response, remission=course.remission,
        baseline=baseline, flags=list(flags or []),
    )


@dataclass(frozen=True)
class Series:
    """One instrument's scores across a course, session by session, read against its baseline."""

    instrument: Instrument
    baseline: int | None
    reads: list[MeasureRead]

    @property
    def response_line(self) -> float | None:
        return None if not self.baseline else scoring.response_line(self.baseline)

    @property
    def remission_below(self) -> int | None:
        return self.instrument.remission_below

    @property
    def max_total(self) -> int:
        return int(max(o["value"] for o in self.instrument.scale)) * len(self.instrument.items)


def cycle_measures(*, cycle: TreatmentCycle) -> list[Series]:
    """The course's current measures per instrument, in session order (two queries: measures, flags)."""
    return cycles_measures(cycle_ids=[cycle.pk]).get(cycle.pk, [])


def cycles_measures(*, cycle_ids: list[int]) -> dict[int, list[Series]]:
    """cycle_measures for several courses at once, by course id (two queries however many courses)."""
    rows = list(
        Measure.objects.filter(cycle_id__in=cycle_ids, is_current=True).select_related("instrument", "session")
        .order_by("cycle_id", "instrument_code", "session__sequence", "session__starts_at", "pk")
    )
    flags: dict[int, list[UrgentFlag]] = {}
    for flag in UrgentFlag.objects.filter(measure__in=rows).order_by("pk"):
        flags.setdefault(flag.measure_id, []).append(flag)
    by_cycle: dict[int, dict[str, Series]] = {}
    for row in rows:
        series = by_cycle.setdefault(row.cycle_id, {})
        if row.instrument_code not in series:
            series[row.instrument_code] = Series(instrument=row.instrument, baseline=row.total, reads=[])
        s = series[row.instrument_code]
        s.reads.append(measure_read(row, baseline=s.baseline, flags=flags.get(row.pk)))
    return {cycle_id: list(series.values()) for cycle_id, series in by_cycle.items()}


def measures_of(series: list[Series]) -> list[Measure]:
    return [read.measure for s in series for read in s.reads]


@dataclass(frozen=True)
class FormStatus:
    instrument_code: str
    name: str
    done: bool


def session_forms(*, session: InfusionSession) -> list[FormStatus]:
    """Each instrument the session asks for, done or missing: what the front desk may see (no answers, no score)."""
    codes_asked = protocol_instrument_codes(session.cycle.protocol)
    if not codes_asked:
        return []
    done = set(Measure.objects.filter(session=session, is_current=True).values_list("instrument_code", flat=True))
    names = dict(Instrument.objects.filter(code__in=codes_asked, is_current=True).values_list("code", "name"))
    return [FormStatus(code, names.get(code, code), code in done) for code in codes_asked]


def forms_done_for(sessions: list[InfusionSession]) -> dict[int, bool | None]:
    """For a day's sessions: True when every asked form is done, False when one is missing, None when none is
    asked. Two queries whatever the number of sessions (plus one per distinct protocol without defaults)."""
    asked: dict[int, list[str]] = {}
    by_protocol: dict[int, list[str]] = {}
    for s in sessions:
        protocol = s.cycle.protocol
        if protocol.pk not in by_protocol:
            by_protocol[protocol.pk] = protocol_instrument_codes(protocol)
        asked[s.pk] = by_protocol[protocol.pk]
    done: dict[int, set[str]] = {}
    for session_id, code in Measure.objects.filter(session__in=[s.pk for s in sessions], is_current=True).values_list(
        "session_id", "instrument_code"
    ):
        done.setdefault(session_id, set()).add(code)
    return {pk: (None if not codes_ else set(codes_) <= done.get(pk, set())) for pk, codes_ in asked.items()}


def flags_open(*, clinic: Clinic) -> QuerySet[UrgentFlag]:
    """The clinic's urgent flags no clinician has acknowledged yet, oldest first."""
    return (
        UrgentFlag.objects.filter(clinic=clinic, acknowledged_at__isnull=True)
        .select_related("session", "patient").order_by("raised_at", "pk")
    )


def open_flag_session_ids(*, session_ids: list[int]) -> set[int]:
    return set(
        UrgentFlag.objects.filter(session_id__in=session_ids, acknowledged_at__isnull=True).values_list("session_id", flat=True)
    )


def cycle_reviews(*, cycle: TreatmentCycle) -> QuerySet[CourseReview]:
    return CourseReview.objects.filter(cycle=cycle).order_by("-decided_at", "-pk")


def cycles_reviews(*, cycle_ids: list[int]) -> dict[int, list[CourseReview]]:
    """cycle_reviews for several courses at once, by course id (one query)."""
    out: dict[int, list[CourseReview]] = {}
    for review in CourseReview.objects.filter(cycle_id__in=cycle_ids).order_by("-decided_at", "-pk"):
        out.setdefault(review.cycle_id, []).append(review)
    return out
