"""The report: the machine and code measured, and the table of figures per size."""

from __future__ import annotations

import contextlib
import os
import platform


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> dict:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:  # not Linux: no model name, no matter
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu, "python": platform.python_version(), "django": get_version(),
        "postgresql": pg, "shared_buffers": buffers, "platform": platform.platform(), "code": code_state(),
    }


#: The code under test: figures move when these files (or the files of these packages) do.
CODE_UNDER_TEST = ("scheduler/planning", "scheduler/selectors.py", "bookings/selectors")


def code_state() -> str:
    """The commit, and a short hash of each file or package under test (with * when it differs from the commit)."""
    import hashlib
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = set(subprocess.run(["git", "status", "--porcelain", "--", *CODE_UNDER_TEST], cwd=root,
                                   capture_output=True, text=True, check=True).stdout.split())
    except (OSError, subprocess.CalledProcessError):
        head, dirty = "?", set()
    files = []
    for name in CODE_UNDER_TEST:
        path = root / name
        sources = sorted(path.glob("*.py")) if path.is_dir() else [path]
        digest = hashlib.sha1(b"".join(f.read_bytes() for f in sources)).hexdigest()[:8]  # noqa: S324 (an identity, not security)
        changed = any(d == name or d.startswith(f"{name}/") for d in dirty)
        files.append(f"{name}@{digest}{'*' if changed else ''}")
    return f"{head} " + " ".join(files)


def _q(summary: dict) -> str:
    if not summary:
        return "-"
    lo, hi = summary["queries_min"], summary["queries_max"]
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _empty(summary: dict) -> str:
    """How many of the calls answered an empty list, of all calls."""
    return f"{summary['outcomes'].get('empty', 0)} of {summary['calls']}"


def _ms(summary: dict, key: str) -> str:
    return f"{summary[key]:.1f}" if summary else "-"


#: Issue 17: the proposal's p95 at the largest size measured stays within this many times its p95 at GROWTH_BASE.
GROWTH_GOAL = 1.5
GROWTH_BASE = 10_000


def size_growth(results: list[dict]) -> dict | None:
    """The largest size measured against GROWTH_BASE: each kind's p95 at both (ms) and their ratio, and whether the
    proposal's ratio meets GROWTH_GOAL. None unless both sizes were measured."""
    measured = {r["stored"]: r["measured"] for r in results if r["measured"].get("proposal")}
    largest = max(measured, default=0)
    if GROWTH_BASE not in measured or largest <= GROWTH_BASE:
        return None
    big, base = measured[largest], measured[GROWTH_BASE]
    p95 = []
    for label, kind, key in (("proposal", "proposal", "p95_ms"), ("proposal SQL", "proposal", "sql_p95_ms"),
                             ("availability", "availability", "p95_ms"), ("availability SQL", "availability", "sql_p95_ms"),
                             ("no-fit", "nofit", "p95_ms")):
        if big.get(kind) and base.get(kind):
            p95.append((label, big[kind][key], base[kind][key], big[kind][key] / base[kind][key]))
    return {"stored": largest, "base": GROWTH_BASE, "goal": GROWTH_GOAL, "p95": p95, "met": p95[0][3] <= GROWTH_GOAL}


def report(results: list[dict], info: dict) -> None:
    say("")
    say(f"machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, Django {info['django']}, "
         f"PostgreSQL {info['postgresql']} (shared_buffers {info['shared_buffers']})")
    say(f"code: {info['code']}")
    say("times in ms per call (wall clock, including SQL); queries per call; p95 targets at 10k: proposal <= 30, "
         "availability <= 10")
    head = ("stored", "clinics", "future", "chair_use", "proposal_p50", "proposal_p95", "proposal_max", "proposal_queries",
            "avail_p50", "avail_p95", "avail_max", "avail_queries", "series/none", "load")
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        p, a = r["measured"].get("proposal", {}), r["measured"].get("availability", {})
        out = p.get("outcomes", {}) if p else {}
        rows.append((
            f"{r['stored']:,}", str(r["clinics"]), f"{r['window_occupying']:,}", f"{r['chair_use'] * 100:.1f}%",
            _ms(p, "p50_ms"), _ms(p, "p95_ms"), _ms(p, "max_ms"), _q(p),
            _ms(a, "p50_ms"), _ms(a, "p95_ms"), _ms(a, "max_ms"), _q(a),
            f"{out.get('series', 0)}/{out.get('no_feasible_series', 0)}" if p else "-",
            f"{r['measured']['load_before']:.1f}-{r['measured']['load_after']:.1f}" if p else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for row in rows:
        say("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    if any(r["measured"].get("nofit") for r in results):
        say("")
        say("a proposal that cannot fit (ptsd-iv on Mondays and Tuesdays only): search, explanation, look further on")
        rows = [("stored", "nofit_p50", "nofit_p95", "nofit_max", "nofit_queries", "answers")]
        for r in results:
            n = r["measured"].get("nofit", {})
            if n:
                rows.append((f"{r['stored']:,}", _ms(n, "p50_ms"), _ms(n, "p95_ms"), _ms(n, "max_ms"), _q(n),
                             ", ".join(f"{k} {v}" for k, v in sorted(n["outcomes"].items()))))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            say("  ".join(cell.rjust(w) if i < len(row) - 1 else cell for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    if any(r["measured"].get("options") for r in results):
        say("")
        say("one session's options (session_options of random upcoming booked or confirmed sessions of the clinic)")
        rows = [("stored", "count", "options_p50", "options_p95", "options_max", "options_queries", "empty",
                 "options/answer", "answers")]
        for r in results:
            for o in r["measured"].get("options", []):
                rows.append((f"{r['stored']:,}", str(o["count"]), _ms(o, "p50_ms"), _ms(o, "p95_ms"), _ms(o, "max_ms"),
                             _q(o), _empty(o), f"{o.get('options', 0):.1f}",
                             ", ".join(f"{k} {v}" for k, v in sorted(o["outcomes"].items()))))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            say("  ".join(cell.rjust(w) if i < len(row) - 1 else cell for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    growth = size_growth(results)
    if growth:
        say("")
        say(f"{growth['stored']:,} against {growth['base']:,} stored (issue 17: proposal p95 within {GROWTH_GOAL}x): "
            + ", ".join(f"{label} p95 {a:.1f} / {b:.1f} ms = {r:.2f}x" for label, a, b, r in growth["p95"])
            + f"; goal {'met' if growth['met'] else 'NOT met'}")
    say("")
    for r in results:
        p, a = r["measured"].get("proposal", {}), r["measured"].get("availability", {})
        if r["measured"].get("missing"):
            say(f"{r['stored']:,}: selectors missing: {', '.join(r['measured']['missing'])}")
            continue
        if not p:
            continue
        say(f"{r['stored']:,} stored: proposal SQL p50 {p['sql_p50_ms']:.1f} ms / p95 {p['sql_p95_ms']:.1f} ms, "
             f"availability SQL p50 {a['sql_p50_ms']:.1f} ms / p95 {a['sql_p95_ms']:.1f} ms")
        say(f"  proposal outcomes: {p['outcomes']}; first session {p.get('days_to_first', 0):.1f} days after "
             f"earliest_date on average, course span {p.get('span_days', 0):.1f} days, "
             f"{p.get('alternatives', 0):.1f} alternatives")
        say(f"  availability outcomes: {a['outcomes']}; {a.get('slots', 0):.1f} start times per day, "
             f"{a.get('free_chairs_per_slot', 0):.1f} free chairs per start")
        for o in r["measured"].get("options", []):
            say(f"  options (count {o['count']}) SQL p50 {o['sql_p50_ms']:.1f} ms / p95 {o['sql_p95_ms']:.1f} ms; "
                 f"{o['calls']} of the clinic's {o['upcoming']:,} upcoming booked or confirmed sessions")
        options = [(f"options (count {o['count']})", o) for o in r["measured"].get("options", [])[:1]]
        for label, s in (("proposal", p), ("availability", a), *options):
            for q in s["slowest_sql"][:2]:
                say(f"  {label} SQL {q['mean_ms']:.2f} ms avg ({q['max_ms']:.2f} max, {q['runs']} runs): {q['sql'][:110]}")
