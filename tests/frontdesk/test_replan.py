"""The desk's Re-plan page (issue 14): the stranded sessions with their proposed times, applied one by one or all
at once, each outcome shown; front desk and admins only, their own clinics only."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import EmailKind, InfusionSession, PatientEmail
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler import services as scheduler_services
from tests.conftest import local
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]


@pytest.fixture
def stranded(home):
    """The home patient's course (Wed 3, Fri 5, Mon 8 March at 10:00, chair 1), then the clinic closed on Friday."""
    first = home.book([dt.datetime(2027, 3, 3, 10), dt.datetime(2027, 3, 5, 10), dt.datetime(2027, 3, 8, 10)],
                      chair=home.chairs[0]).sessions
    scheduler_services.closure_add(clinic=home.clinic, chair=None, starts_at=local(home.clinic, 2027, 3, 5),
                                   ends_at=local(home.clinic, 2027, 3, 6), reason="Burst pipe", by=home.users[ADMIN])
    return [first[1]]


def test_the_page_lists_each_stranded_session_with_its_proposal_and_applies_one(as_user, home, stranded):
    client = as_user(home.users[FRONT_DESK])
    friday = stranded[0]
    page = client.get(f"/replan/?clinic={home.clinic.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-replan="{friday.pk}" data-kind="move"' in text and "Closure added: Burst pipe" in text
    # The course (Wed 3, Fri 5, Mon 8) leaves Friday's session Thursday 4 or Friday: the nearest is Thursday.
    assert "Thu 4 Mar 2027, 10:00" in text
    done = client.post("/replan/", {"clinic": home.clinic.pk, "session": friday.pk})
    assert done.status_code == 200
    text = done.content.decode()
    assert f'data-replan-result="{friday.pk}" data-outcome="moved"' in text and "the patient is emailed" in text
    moved = InfusionSession.objects.get(pk=friday.pk)
    assert moved.starts_at == local(home.clinic, 2027, 3, 4, 10) and moved.needs_moving_since is None
    assert PatientEmail.objects.filter(session=moved, kind=EmailKind.MOVED).exists()
    assert f'data-replan="{friday.pk}"' not in text


def test_apply_all_and_the_links_to_it(as_user, home, stranded):
    client = as_user(home.users[ADMIN])
    assert 'id="worklist-replan"' in client.get(f"/worklists/?clinic={home.clinic.pk}").content.decode()
    assert 'id="closures-replan"' in client.get(f"/closures/?clinic={home.clinic.pk}").content.decode()
    done = client.post("/replan/", {"clinic": home.clinic.pk, "all": "1"}).content.decode()
    assert "Done: 1 moved, 0 given another chair or nurse, 0 refused" in done
    assert "No booked session needs moving." in done
    assert not InfusionSession.objects.filter(needs_moving_since__isnull=False).exists()


def test_roles_and_clinics(as_user, home, away, stranded):
    clinician = as_user(home.users[CLINICIAN])
    assert clinician.get("/replan/").status_code == 403
    assert 'id="worklist-replan"' not in clinician.get("/worklists/").content.decode()
    outsider = as_user(away.users[FRONT_DESK])
    # Another clinic's session id is not found in the user's clinic: nothing moves.
    answer = outsider.post("/replan/", {"clinic": home.clinic.pk, "session": stranded[0].pk})
    assert answer.status_code == 400 and "Choose a session" in answer.content.decode()
    assert InfusionSession.objects.get(pk=stranded[0].pk).needs_moving_since is not None
    for bad in ("", "abc", "-1", "9" * 40, "\u0663"):
        assert as_user(home.users[FRONT_DESK]).post("/replan/", {"clinic": home.clinic.pk, "session": bad}).status_code == 400
