"""Drop the table of DRF's old API tokens (rest_framework.authtoken, no longer installed).

Its tokens stopped working when the app left INSTALLED_APPS (accounts.authentication reads knox's table
only), but the table kept them in plain text: a database dump or backup would still hand out working
credentials if the app were ever put back. Clients sign in again for a knox token. Not reversible: the
old tokens are gone for good, which is the point. IF EXISTS: a new database never had the table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_copy_web_sessions")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop, elidable=True)]
