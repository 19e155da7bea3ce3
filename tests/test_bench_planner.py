"""The planner benchmark's builder (bench/planner) at a tiny size: sizes, shares, and the multi-clinic build by COPY."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from bench.planner.checks import check_database
from bench.planner.cli import parse_sizes
from bench.planner.clinic import TZ, default_clinics
from bench.planner.database import _deferrable_schema, clinic_tables_all, store
from bench.planner.generate import clinic_shares
from bench.planner.report import size_growth
from bookings.models import InfusionSession, Patient, TreatmentCycle


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("10000", [10_000]),
        ("10_000", [10_000]),
        ("1k,10k,100k", [1_000, 10_000, 100_000]),
        ("10k, 1m", [10_000, 1_000_000]),
        ("1.5M", [1_500_000]),
        ("2.5k", [2_500]),
    ],
)
def test_sizes(text, sizes):
    assert parse_sizes(text) == sizes


@pytest.mark.parametrize("text", ["50", "1x", "k", "ten"])
def test_sizes_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_sizes(text)


@pytest.mark.parametrize(
    ("size", "clinics", "shares"),
    [(10, 3, [4, 3, 3]), (1_000_000, 100, [10_000] * 100), (100_000, 1, [100_000])],
)
def test_shares(size, clinics, shares):
    assert clinic_shares(size, clinics) == shares


def test_spread_from_a_million():
    assert (default_clinics(100_000), default_clinics(999_999), default_clinics(1_000_000)) == (1, 1, 100)


@pytest.mark.django_db(transaction=True)
def test_build_spreads_over_clinics_and_keeps_the_schema():
    """900 sessions over 3 clinics, generated in 2 processes: every row valid, each clinic its share, the dropped
    indexes and constraints all back, and the identity sequences past the copied ids."""
    from django.db import connection

    today = datetime.now(TZ).date()
    with connection.cursor() as cursor:
        schema = _deferrable_schema(cursor.cursor)
    built = store(clinic_tables_all(900, 4, today, datetime.now(UTC), clinics=3, processes=2))

    assert built["clinic_rows"] == {"bench": 300, "bench-other-1": 300, "bench-other-2": 300}
    checked = check_database(900, built["clinic"], today, built["clinic_rows"])
    assert checked["problems"] == []
    assert (checked["stored"], checked["clinics"], checked["clinic_rows_differing"]) == (900, 3, 0)
    assert checked["exclusion_constraints"] == 2
    assert checked["rule_violations"] == {}
    assert InfusionSession.objects.filter(clinic_id=built["clinic"]).count() == 300
    with connection.cursor() as cursor:
        assert _deferrable_schema(cursor.cursor) == schema
    patient = Patient.objects.create(clinic_id=built["clinic"], first_name="New", last_name="Row",
                                     date_of_birth=datetime(1980, 1, 1).date())
    assert patient.pk == Patient.objects.order_by("-pk").values_list("pk", flat=True)[1] + 1
    assert TreatmentCycle.objects.filter(clinic_id=built["clinic"]).count() == built["cycles"]


@pytest.mark.django_db(transaction=True)
def test_a_counted_row_gone_is_a_problem():
    today = datetime.now(TZ).date()
    built = store(clinic_tables_all(400, 4, today, datetime.now(UTC), clinics=2))
    InfusionSession.objects.filter(pk=InfusionSession.objects.filter(clinic__slug="bench-other-1").values("pk")[:1]).delete()

    checked = check_database(400, built["clinic"], today, built["clinic_rows"])
    assert checked["problems"] == ["stored 399 != 400", "1 clinic(s) hold another count of sessions than was built"]


def _measured(stored: int, proposal_p95: float) -> dict:
    return {"stored": stored, "measured": {"proposal": {"p95_ms": proposal_p95, "sql_p95_ms": 2.0},
                                           "availability": {"p95_ms": 5.0, "sql_p95_ms": 1.0}}}


@pytest.mark.parametrize(
    ("results", "ratio", "met"),
    [
        ([_measured(10_000, 20.0), _measured(1_000_000, 30.0)], 1.5, True),
        ([_measured(10_000, 20.0), _measured(100_000, 25.0), _measured(1_000_000, 31.0)], 1.55, False),
    ],
)
def test_growth_compares_the_largest_size_with_10k(results, ratio, met):
    growth = size_growth(results)
    assert growth is not None
    assert (growth["stored"], growth["p95"][0][0], growth["p95"][0][3], growth["met"]) == (1_000_000, "proposal", ratio, met)


@pytest.mark.parametrize("sizes", [[1_000, 100_000], [10_000], [1_000, 10_000]])
def test_no_growth_without_10k_and_a_larger_size(sizes):
    assert size_growth([_measured(size, 20.0) for size in sizes]) is None
