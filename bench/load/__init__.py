"""Load test of the web app: simulated front desks against gunicorn and PostgreSQL, on this machine only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench_load .venv/bin/python -m bench.load \
        [--desks 10,50,100] [--duration 60] [--clinics 4] [--workers 4] [--json FILE]

It builds a bench database of its own (`<DATABASE_URL's name>_load`: several clinics generated as bench.planner
generates its clinic, a few months of sessions each, a few hundred patients each, one front-desk account per
desk with a password), starts gunicorn with gunicorn.conf.py on a free loopback port, signs every desk in
through the real sign-in (the staff pages' form and `POST /api/v1/auth/token/`), then runs locust headless,
one stage per desk count, each for `--duration` seconds. A desk runs a front-desk day's mix: the day board,
patient search and the patient page, the session panel and slot grid, course proposals and bookings,
moving and cancelling sessions (through the API, and a move through the page's form with its CSRF token), and
the API's lists. No Celery worker runs: the emails a booking writes wait in the outbox.

Two desks racing for the same slot is expected: the loser gets a 409 with a conflict code (`chair_conflict`,
`nurse_capacity`, `stagger`, `patient_conflict`), counted apart. Anything else that is not the answer a
request expects is an error. After each stage the database is checked: no two occupying sessions overlap on
a chair or for a patient (the query the exclusion constraints stand for, run without them), nurse capacity,
stagger, and the access log holds no 5xx. Figures: docs/PERFORMANCE.md.

The package: `seed` (the database), `server` (gunicorn and the sign-ins), `locustfile` (the desks; it runs
in locust's own process and imports nothing of Django), `checks` (double bookings, 5xx), `cli` (the stages and
the report, run by `__main__`).
"""
