"""Helpers the API tests share: staff users with roles, clients, and the error-shape assertion."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories import UserFactory


def staff_user(role: str | None, *clinics, **kwargs):
    """A staff user holding `role` (a group name; None for none) in the given clinics."""
    user = UserFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for clinic in clinics:
        clinic.staff.add(user)
    return user


def client_for(user=None) -> APIClient:
    """An API client signed in as `user` (a fresh copy, so no role or clinic cache carries over)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """The API's one error shape, with this status and code (and `field` among the details)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "details"} and body["message"], body
    if field:
        assert field in body["details"], body
    return body
