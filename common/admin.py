"""What the admin pages of every app share."""

from __future__ import annotations


class ReadOnlyMixin:
    """No add, change or delete here, whatever the user's permissions: viewing only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
