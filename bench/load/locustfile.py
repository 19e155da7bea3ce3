"""The simulated front desks, run by locust in its own process (`locust -f bench/load/locustfile.py`, started by
bench.load.cli): gevent, no Django. The stage's plan (each desk's account, sign-ins, clinic, patients, sessions)
comes from the JSON file named by LOAD_PLAN; what each request came to is written to LOAD_TALLY at the end.

A request's outcome is `ok`, `conflict:<code>` (a 409 the booking rules answer when another desk took the slot
first: expected, counted apart), `no_fit` (a proposal with nothing free: an answer, not an error), or
`error:<status>[:<code>]`, which locust also counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from locust import FastHttpUser, between, events, task

#: The 409 codes two desks racing for one slot get (scheduler.error_codes.CONFLICT_CODES less those no race causes).
RACE_CODES = frozenset({"chair_conflict", "nurse_capacity", "stagger", "patient_conflict"})
#: The same refusals as the session panel words them (scheduler/planning/rules.py, bookings/services/errors.py).
RACE_MESSAGES = re.compile(
    r"already taken at this time|No chair is free|already has a session at this time|would watch \d+ patients"
    r"|starts another infusion within|watching as many patients"
)

with open(os.environ["LOAD_PLAN"]) as _f:
    PLAN = json.load(_f)
_next_desk = itertools.count()
#: request name -> outcome -> count
TALLY: defaultdict[str, Counter[str]] = defaultdict(Counter)


@events.quitting.add_listener
def _write_tally(environment, **kwargs) -> None:
    with open(os.environ["LOAD_TALLY"], "w") as f:
        json.dump({name: dict(outcomes) for name, outcomes in TALLY.items()}, f, indent=1)


def _code(response) -> str:
    try:
        return str(response.json().get("code") or "")
    except (ValueError, AttributeError):
        return ""


class Desk(FastHttpUser):
    """One front desk: a person at a clinic's desk with the staff pages open and a client of the API."""

    wait_time = between(float(os.environ.get("LOAD_THINK_MIN", "1")), float(os.environ.get("LOAD_THINK_MAX", "3")))

    def on_start(self) -> None:
        desk = PLAN["desks"][next(_next_desk) % len(PLAN["desks"])]
        self.clinic = desk["clinic"]
        self.patients: list[int] = desk["patients"]
        self.searches: list[str] = desk["searches"]
        self.sessions: list[int] = list(desk["sessions"])
        self.days: list[str] = desk["days"]
        self.protocols: list[int] = [pk for pk, _ in desk["protocols"]]
        self.weights: list[float] = [weight for _, weight in desk["protocols"]]
        cookies = desk["cookies"]
        self.page_headers = {"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"}
        self.csrf = cookies["csrftoken"]
        self.api_headers = {"Authorization": f"Token {desk['token']}", "Accept": "application/json"}

    # --- helpers -----------------------------------------------------------------------------

    def _judge(self, response, name: str, ok: tuple[int, ...], *, races: bool = False, no_fit: bool = False) -> bool:
        status = response.status_code
        if status in ok:
            outcome = "ok"
        elif status == 409 and races and _code(response) in RACE_CODES:
            outcome = f"conflict:{_code(response)}"
        elif status == 409 and no_fit and _code(response) == "no_feasible_series":
            outcome = "no_fit"
        else:
            outcome = f"error:{status}" + (f":{_code(response)}" if _code(response) else "")
        TALLY[name][outcome] += 1
        if outcome.startswith("error"):
            response.failure(outcome)
        else:
            response.success()
        return outcome == "ok"

    def _page(self, path: str, name: str, **headers: str) -> None:
        with self.client.get(path, headers={**self.page_headers, **headers}, name=name, catch_response=True) as r:
            self._judge(r, name, (200,))

    def _api_get(self, path: str, name: str):
        with self.client.get(path, headers=self.api_headers, name=name, catch_response=True) as r:
            return r.json() if self._judge(r, name, (200,)) else None

    def _api_post(self, path: str, name: str, body: dict, ok: tuple[int, ...], **judge: bool):
        with self.client.post(path, json=body, headers=self.api_headers, name=name, catch_response=True) as r:
            return r.json() if self._judge(r, name, ok, **judge) else None

    def _session(self) -> int | None:
        return random.choice(self.sessions) if self.sessions else None

    # --- the staff pages -----------------------------------------------------------------------

    @task(20)
    def day_board(self) -> None:
        self._page(f"/?clinic={self.clinic}&date={random.choice(self.days)}", "page: day board")

    @task(12)
    def patient_search(self) -> None:
        term = random.choice(self.searches)
        self._page(f"/patients/?q={term.replace(' ', '+')}", "page: patient search", **{"HX-Request": "true"})
        self._page(f"/patients/{random.choice(self.patients)}/", "page: patient")

    @task(8)
    def session_panel(self) -> None:
        pk = self._session()
        if pk:
            self._page(f"/sessions/{pk}/", "page: session panel", **{"HX-Request": "true"})

    @task(4)
    def move_on_page(self) -> None:
        """The slot grid, then a time from it posted to the move form (the API's options name the same times)."""
        pk = self._session()
        if not pk:
            return
        self._page(f"/sessions/{pk}/options/", "page: slot grid", **{"HX-Request": "true"})
        options = self._api_get(f"/api/v1/sessions/{pk}/options/?count=5", "api: session options")
        if not options:
            return
        name = "page: move (POST)"
        with self.client.post(
            f"/sessions/{pk}/move/", data={"starts_at": random.choice(options)["starts_local"][:16], "scope": "this"},
            headers={**self.page_headers, "X-CSRFToken": self.csrf, "HX-Request": "true"}, name=name, catch_response=True,
        ) as r:
            text = r.text or ""
            if r.status_code == 200 and "Moved to" in text:
                TALLY[name]["ok"] += 1
                r.success()
            elif r.status_code == 200 and RACE_MESSAGES.search(text):
                TALLY[name]["conflict:page"] += 1
                r.success()
            else:
                TALLY[name][f"error:{r.status_code}"] += 1
                r.failure(f"{r.status_code}: neither moved nor a conflict")

    # --- the API -------------------------------------------------------------------------------

    @task(10)
    def api_lists(self) -> None:
        self._api_get(f"/api/v1/sessions/?clinic={self.clinic}&date={random.choice(self.days)}", "api: sessions of a day")

    @task(5)
    def api_patient_search(self) -> None:
        last = random.choice(self.searches).split()[-1]
        self._api_get(f"/api/v1/patients/?clinic={self.clinic}&search={last}&page_size=20", "api: patient search")

    @task(3)
    def api_courses(self) -> None:
        self._api_get(f"/api/v1/cycles/?clinic={self.clinic}&patient={random.choice(self.patients)}", "api: courses")

    def _propose(self) -> tuple[dict, dict] | tuple[None, None]:
        earliest = date.fromisoformat(random.choice(self.days)) + timedelta(days=1)
        body = {"patient": random.choice(self.patients), "protocol": random.choices(self.protocols, self.weights)[0],
                "clinic": self.clinic, "earliest_date": earliest.isoformat()}
        proposal = self._api_post("/api/v1/cycles/proposals/", "api: proposal", body, (200,), no_fit=True)
        return (body, proposal) if proposal else (None, None)

    @task(4)
    def proposal_only(self) -> None:
        """The desk looks, the patient says no."""
        self._propose()

    @task(6)
    def book_course(self) -> None:
        body, proposal = self._propose()
        if not proposal or not body:
            return
        sessions = [{"starts_at": s["starts_at"], "chair": s["chair"], "nurse": s["nurse"]} for s in proposal["sessions"]]
        booked = self._api_post("/api/v1/cycles/", "api: book a course",
                                {k: body[k] for k in ("patient", "protocol", "clinic")} | {"sessions": sessions},
                                (201,), races=True)
        if booked:
            self.sessions.extend(s["id"] for s in booked["sessions"])

    @task(6)
    def move_by_api(self) -> None:
        pk = self._session()
        if not pk:
            return
        options = self._api_get(f"/api/v1/sessions/{pk}/options/?count=5", "api: session options")
        if not options:
            return
        chosen = options[0] if random.random() < 0.5 else random.choice(options)
        self._api_post(f"/api/v1/sessions/{pk}/reschedule/", "api: move",
                       {"starts_at": chosen["starts_at"], "chair": chosen["chair"], "nurse": chosen["nurse"], "scope": "this"},
                       (200,), races=True)

    @task(3)
    def cancel(self) -> None:
        pk = self._session()
        if not pk:
            return
        self.sessions.remove(pk)
        self._api_post(f"/api/v1/sessions/{pk}/cancel/", "api: cancel", {"reason": "Unwell", "by": "patient"}, (200,))
