from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Connecting receivers touches no database (accounts.receivers says why these are signals).
        from django.contrib.auth.signals import user_logged_in

        from accounts import idle, receivers

        user = settings.AUTH_USER_MODEL
        pre_save.connect(receivers.remember_activity, sender=user, dispatch_uid="accounts.remember_activity")
        post_save.connect(receivers.end_sign_ins_of_inactive, sender=user, dispatch_uid="accounts.end_sign_ins_of_inactive")
        # Signing in starts the idle clock (accounts.idle).
        user_logged_in.connect(idle.session_stamp_on_login, dispatch_uid="accounts.idle.session_stamp_on_login")
