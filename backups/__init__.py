"""Backups of the database and their restore: `manage.py backup` and `manage.py restore` (`make backup`, `make restore`).

The database holds everything the clinic cannot rebuild: the schedule, the patients, the outbox of emails (sent
and due) and the audit trail. PostgreSQL is dumped with pg_dump in its custom format (`-Fc`) and restored with
pg_restore; the embedded mode's SQLite file is copied with SQLite's online backup API, which gives a consistent
copy while the app keeps writing. Both write to a `.partial` file first and rename it when complete, so a file
with a backup's name is always a whole backup.

A restore refuses a database that holds any table unless told to replace it (`--force`), and says what it did:
what it restored into, what the database now holds, and whether this code's migrations are all applied.
This app imports no domain app: the tables it counts are named by model label.
"""
