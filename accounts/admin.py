"""API tokens in the admin: listed with their device, and revocable (deleted); never made here.

knox's own admin is replaced: its "add" form makes a token with any expiry, none at all included, while
every token must come from a sign-in and expire (accounts.services.api_token_create).
"""

from django.contrib import admin
from knox.models import AuthToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("token_key", "user", "device_label", "created", "expiry")
    list_select_related = ("user", "device")
    search_fields = ("token_key", "user__username")
    ordering = ("-created",)
    fields = ("token_key", "user", "device_label", "created", "expiry")
    readonly_fields = fields

    @admin.display(description="device")
    def device_label(self, token: AuthToken) -> str:
        device = getattr(token, "device", None)
        return device.label if device is not None else ""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
