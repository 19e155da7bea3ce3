"""Make auditlog's LogEntry table append-only on PostgreSQL, and index its patient and clinic keys.

A row trigger refuses every UPDATE and DELETE, whoever sends it (the API, the admin, a shell). TRUNCATE
fires no row trigger, so test databases can still be flushed. SQLite (the embedded mode) gets neither.

One update is let through: deleting a staff account sets the actor of its entries to NULL (auditlog's
FK is SET_NULL) and changes nothing else; the entry keeps the actor's email. An auditlog upgrade whose migration rewrites rows
must run with the trigger disabled by the table owner (ALTER TABLE auditlog_logentry DISABLE TRIGGER
audit_logentry_append_only), then enabled again.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_logentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on auditlog_logentry is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_logentry_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_logentry_refuse_change();
CREATE INDEX IF NOT EXISTS audit_logentry_patient_idx
    ON auditlog_logentry (((additional_data ->> 'patient')::bigint));
CREATE INDEX IF NOT EXISTS audit_logentry_clinic_idx
    ON auditlog_logentry (((additional_data ->> 'clinic')::bigint));
"""

BACKWARD = """
DROP INDEX IF EXISTS audit_logentry_clinic_idx;
DROP INDEX IF EXISTS audit_logentry_patient_idx;
DROP TRIGGER IF EXISTS audit_logentry_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS audit_logentry_refuse_change();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the SQL holds a literal % (RAISE's placeholder).
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
