"""Routes of signing in under /api/v1/auth/."""

from django.urls import path

from accounts.api import TokenObtainView

urlpatterns = [
    path("token/", TokenObtainView.as_view(), name="auth-token"),
]
