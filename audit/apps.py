from django.apps import AppConfig
from django.db.models.signals import pre_save


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # Connecting a receiver touches no database. auditlog writes Patient entries from its own
        # signals; this one gives them the same {"patient", "clinic"} scope as the explicit entries.
        from audit.records import scope_patient_entry

        pre_save.connect(scope_patient_entry, sender="auditlog.LogEntry", dispatch_uid="audit.scope_patient_entry")
