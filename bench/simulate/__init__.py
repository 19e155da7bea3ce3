"""Schedule-quality simulation: eight weeks of demand in one clinic, booked through the real services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench_sim .venv/bin/python -m bench.simulate \
        [--weeks 8] [--warmup-weeks 4] [--chairs 12] [--nurses 6] [--strategy compact,first,spread] [--waitlist both] [--seed 14] [--json FILE]

One clinic (Mon–Fri 08:00–18:00) receives course requests at a rate that offers about 90 % of its
chair-hours, in the protocol mix of the domain notes, from patients with weekday and time-of-day
preferences. The clock (time-machine) walks the weeks day by day; the desk books each request's first
proposal (`cycle_proposal` then `cycle_book`); 6 % of sessions are cancelled, 2 % late-cancelled and 3 %
missed (`session_cancel`, `session_no_show`), each followed by a make-up where the course allows one (the
first of `make_up_options`, booked with `cycle_make_up`); a closure and one nurse's week off are saved
through `closure_add` and `time_off_add` (which mark the sessions they strand "needs moving") and re-planned
with the desk's `sessions_replan`. With the waitlist on, a patient booked later than the next day waits for
an earlier first session, and one booked more than three days out also for an earlier whole course
(`entry_create`); freed chairs are offered through the real waitlist services and Celery tasks (run
inline) and patients accept, decline or let offers lapse. Figures per chair strategy and waitlist
setting: docs/PERFORMANCE.md.

The package: `demand` (requests, preferences and fates, in pure Python), `run` (one simulated run against
the database: the clinic, the clock, the requests), `desk` (cancels, no-shows, make-ups, the closure and
the week off, the waitlist), `figures` (what is measured), `cli` (the command: a fresh bench database per
run, the report).
"""
