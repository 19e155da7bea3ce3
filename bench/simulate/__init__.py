"""Schedule-quality simulation: eight weeks of demand in one clinic, booked through the real services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench_sim .venv/bin/python -m bench.simulate \
        [--weeks 8] [--chairs 12] [--nurses 6] [--strategy compact,first,spread] [--waitlist both] [--seed 14] [--json FILE]

One clinic (Mon–Fri 08:00–18:00) receives course requests at a rate that offers about 90 % of its
chair-hours, in the protocol mix of the domain notes, from patients with weekday and time-of-day
preferences. The clock (time-machine) walks the weeks day by day; the desk books each request's first
proposal (`cycle_proposal` then `cycle_book`); 6 % of sessions are cancelled, 2 % late-cancelled and 3 %
missed (`session_cancel`, `session_no_show`); a closure and one nurse's week off strand sessions, which
are re-planned as the desk would (the first of `session_options`, moved with `session_reschedule`). With
the waitlist on, a patient whose first session is not the next day waits for an earlier one
(`entry_create`), freed chairs are offered through the real waitlist services and Celery tasks (run
inline) and patients accept, decline or let offers lapse. Figures per chair strategy and waitlist
setting: docs/PERFORMANCE.md.

The package: `demand` (requests, preferences and fates, in pure Python), `run` (one simulated run against
the database), `cli` (the command: a fresh bench database per run, the report).
"""
