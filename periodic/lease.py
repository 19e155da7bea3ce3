"""Leases: one holder per role among processes that share the database, taken over once its holder stops renewing.

Each call is one compare-and-swap UPDATE in its own (autocommit) transaction, timed by the database's clock
(`Now()`: PostgreSQL's statement timestamp, SQLite's `'now'`), so it works the same on PostgreSQL directly, through
PgBouncer in transaction mode (no session state, no session-level lock) and on the embedded mode's SQLite. Two
processes racing for an expired lease both run `UPDATE … WHERE expires_at < now`; PostgreSQL makes the second
re-check its WHERE against the first's new row and match nothing, SQLite runs them one after the other.
"""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Now

from periodic.models import Lease

# An expiry long past: a lease nobody holds.
NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def lease_hold(*, name: str, holder: str, seconds: float) -> bool:
    """Renew `name` for `holder`, or take it when it has run out; True when `holder` holds it for `seconds` more."""
    until = Now() + dt.timedelta(seconds=seconds)
    if Lease.objects.filter(name=name, holder=holder).update(expires_at=until):
        return True
    # The first contender ever creates the row; later ones find it (a no-op INSERT … ON CONFLICT DO NOTHING).
    Lease.objects.bulk_create([Lease(name=name, expires_at=NEVER)], ignore_conflicts=True)
    return bool(Lease.objects.filter(name=name, expires_at__lt=Now()).update(holder=holder, expires_at=until, acquired_at=Now()))


def lease_release(*, name: str, holder: str) -> bool:
    """Give `name` up at once (a clean stop), so the next contender need not wait for it to run out."""
    return bool(Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=NEVER, acquired_at=None))


def lease_holder(*, name: str) -> str:
    """Who holds `name` now ("" when nobody does or it has run out)."""
    return Lease.objects.filter(name=name, expires_at__gte=Now()).values_list("holder", flat=True).first() or ""
