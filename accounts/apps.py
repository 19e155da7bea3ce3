from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Connecting receivers touches no database (accounts.receivers says why these are signals).
        from accounts import receivers

        user = settings.AUTH_USER_MODEL
        pre_save.connect(receivers.remember_activity, sender=user, dispatch_uid="accounts.remember_activity")
        post_save.connect(receivers.end_sign_ins_of_inactive, sender=user, dispatch_uid="accounts.end_sign_ins_of_inactive")
