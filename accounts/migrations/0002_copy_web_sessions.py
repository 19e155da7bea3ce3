"""Carry the signed-in browsers over to the new session table (settings.SESSION_ENGINE = "accounts.sessions").

Every live row of django_session is copied as it is, with its user read from its data, so that deploying
signs nobody out and "sign out everywhere" reaches these sessions too. The data is signed with a salt
made from the store's class name, which accounts.sessions.SessionStore shares with Django's, so it reads
the same. django_session itself is left to `manage.py clearsessions` and Django's own app.
"""

from django.db import migrations
from django.utils import timezone

BATCH = 500


def copy_sessions(apps, schema_editor):
    from accounts.sessions import SessionStore, _user_id

    alias = schema_editor.connection.alias
    old = apps.get_model("sessions", "Session")
    new = apps.get_model("accounts", "UserSession")
    store = SessionStore()
    batch = []
    for row in old.objects.using(alias).filter(expire_date__gt=timezone.now()).iterator(chunk_size=BATCH):
        user_id = _user_id(store.decode(row.session_data).get("_auth_user_id"))
        batch.append(new(session_key=row.session_key, session_data=row.session_data, expire_date=row.expire_date, user_id=user_id))
        if len(batch) >= BATCH:
            new.objects.using(alias).bulk_create(batch, ignore_conflicts=True)
            batch = []
    new.objects.using(alias).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_sessions, migrations.RunPython.noop, elidable=True)]
