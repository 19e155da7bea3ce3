"""Routes of signing in and out under /api/v1/auth/."""

from django.urls import path

from accounts import api

urlpatterns = [
    path("token/", api.TokenObtainView.as_view(), name="auth-token"),
    path("tokens/", api.TokenListView.as_view(), name="auth-tokens"),
    path("tokens/<str:id>/", api.TokenRevokeView.as_view(), name="auth-token-revoke"),
    path("logout/", api.LogoutView.as_view(), name="auth-logout"),
    path("logout-all/", api.LogoutAllView.as_view(), name="auth-logout-all"),
]
