"""The audit trail: who created, changed, deleted or read patient data, when, and from where.

The table is django-auditlog's LogEntry. Patient writes go through bookings.services.patients, which
records one entry per write with its actor (auditlog's automatic entry is switched off for those saves);
patients are also registered with auditlog (settings AUDITLOG_INCLUDE_TRACKING_MODELS), so a save
anywhere else, the admin's, is logged too. Cycles and sessions are written by bookings.services with
bulk_create and queryset.update (no signals), so the services call `audit.records` explicitly. Reads of
a patient record through the API are logged by `audit.mixins.AuditReadMixin`.

Every entry carries `additional_data = {"patient": id, "clinic": id}`, so it can be listed per patient
and scoped to a clinic.

Append-only: on PostgreSQL a trigger (migration 0001) refuses UPDATE and DELETE on the table, for
every client of the database, the API and the admin included; the admin shows it read-only.

Retention: entries are kept for at least 6 years (HIPAA documentation retention, 45 CFR 164.316). There
is deliberately no deletion job; purging older entries, if ever wanted, is a database administrator's
act (disable the trigger as the table owner), never the application's.
"""
