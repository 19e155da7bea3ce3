"""GET /healthz: database and broker reachability, 200 or 503, no authentication, nothing leaked."""

from __future__ import annotations

import os
import socket

import pytest
from django.db import OperationalError

from config import health

pytestmark = pytest.mark.django_db

URL = "/healthz"
TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_with_the_configured_database_and_broker(client):
    response = client.get(URL)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthy_with_redis(client, settings):
    """make test exports REDIS_URL (redis://127.0.0.1:6379/15), so the settings' broker is Redis there."""
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    response = client.get(URL)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_a_redis_that_does_not_answer_is_503(client, settings):
    settings.CELERY_BROKER_URL = f"redis://:s3cret-password@127.0.0.1:{closed_port()}/0"
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
    text = response.content.decode()
    assert "s3cret" not in text and "127.0.0.1" not in text and "refused" not in text.lower()


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def down():
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed: password')

    monkeypatch.setattr(health, "check_database", down)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "broker": "ok"}
    assert "db.internal" not in response.content.decode()


def test_the_filesystem_broker_needs_writable_folders(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    folders = {key: tmp_path / key for key in ("data_folder_in", "data_folder_out", "control_folder")}
    for folder in folders.values():
        folder.mkdir()
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {key: str(folder) for key, folder in folders.items()}
    assert client.get(URL).status_code == 200
    assert not any(p.name.startswith(".healthz-") for f in folders.values() for p in f.iterdir())

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "control_folder": str(tmp_path / "gone")}
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_needs_no_sign_in_and_only_reads(client):
    assert client.get(URL).status_code == 200  # the client is anonymous
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405
    assert client.get("/api/v1/healthz").status_code == 404  # not part of the versioned API
