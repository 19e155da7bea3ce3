from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import idle

        # Signing in starts the idle clock (accounts.idle); no database work here.
        user_logged_in.connect(idle.session_stamp_on_login, dispatch_uid="accounts.idle.session_stamp_on_login")
