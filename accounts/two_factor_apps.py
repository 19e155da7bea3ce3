"""Django's admin app with this project's admin site (INSTALLED_APPS names this in place of django.contrib.admin).

A module of its own: an app config is imported before models can be, and the site's module imports them.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.two_factor_admin.AdminSite"
