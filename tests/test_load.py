"""The load test harness (bench/load) for a few seconds: two desks against a real gunicorn on its own bench database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # builds a database, starts gunicorn and locust
def test_two_desks_are_served_without_errors_or_double_bookings(tmp_path):
    url = urlparse(os.environ.get("DATABASE_URL") or "")
    if url.scheme not in ("postgres", "postgresql"):
        pytest.fail("the load test runs on PostgreSQL: set DATABASE_URL as `make test` does")
    # A database of its own beside the test databases: the harness refuses any whose name lacks "bench".
    bench_url = urlunparse(url._replace(path=f"{url.path.rstrip('/')}_bench_loadtest"))
    report = tmp_path / "load.json"
    finished = subprocess.run(
        [sys.executable, "-m", "bench.load", "--desks", "2", "--duration", "8", "--clinics", "1", "--workers", "2",
         "--think", "0.2,0.5", "--out", str(tmp_path / "out"), "--json", str(report)],
        cwd=ROOT, env=dict(os.environ, DATABASE_URL=bench_url), capture_output=True, text=True,
        timeout=30 * 60,  # a hang guard, not a speed limit
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    (stage,) = json.loads(report.read_text())["stages"]
    served = stage["endpoints"]["Aggregated"]
    assert served["requests"] > 0 and served["p50"] is not None
    assert stage["errors"] == 0, stage["error_kinds"]
    assert stage["server"]["5xx"] == 0 and stage["server"]["statuses"].get("200", 0) > 0
    timed = {name: t["requests"] for name, t in stage["server"]["worker_ms"].items() if name != "other"}
    assert sum(timed.values()) >= served["requests"] > 0  # the access log's times, by the desks' request names
    checked = stage["database"]
    assert checked["chair_overlaps"] == checked["patient_overlaps"] == checked["double_booked"] == 0
    assert sorted(checked["exclusion_constraints"]) == ["session_no_chair_overlap", "session_no_patient_overlap"]
    assert checked["constraint_statuses_match"] and checked["occupying_sessions"] > 0
    assert "| 2 | **all** |" in finished.stdout  # the table is printed
