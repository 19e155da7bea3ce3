"""Impact before saving, in the admin (issue 14): a save or delete of hours, a closure, a chair, a shift or time off
that would strand booked sessions stops at a confirmation listing them (nothing written); "Save anyway" writes and
marks them; a save that strands nothing goes straight through. Sessions are booked through the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.forms import CheckboxInput, MultiWidget
from django.urls import reverse

from bookings.models import InfusionSession
from common.api import ADMIN
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Shift, StaffMember, TimeOff
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import signed_in, staff_user

pytestmark = pytest.mark.frozen("2027-02-15 12:00Z")  # a Monday; the sessions are in the first week of March

FRIDAY, THURSDAY = 4, 3


def _booster(clinic, when, chair, nurse, last_name):
    patient = PatientFactory(clinic=clinic, first_name="Pat", last_name=last_name)
    return book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[when], chair=chair,
                       nurse=nurse).sessions[0]


@pytest.fixture
def week(db):
    """Chairs A and B, one nurse; Friday 5 March: A 09:00 (Ames), B 12:00 (Baker); Thursday 4 March: A 10:00 (Cole)."""
    clinic = ClinicFactory(name="Riverside", start_stagger_minutes=0)
    a, b = ChairFactory(clinic=clinic, name="Chair A"), ChairFactory(clinic=clinic, name="Chair B")
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    sessions = {
        "fri_a": _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse, "Ames"),
        "fri_b": _booster(clinic, dt.datetime(2027, 3, 5, 12), b, nurse, "Baker"),
        "thu": _booster(clinic, dt.datetime(2027, 3, 4, 10), a, nurse, "Cole"),
    }
    return clinic, a, b, nurse, sessions


@pytest.fixture
def admin_client(client, week):
    """A clinic admin with the demo admin group's permissions (every one on scheduler and bookings)."""
    user = staff_user(ADMIN, week[0], username="clinic-admin", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["scheduler", "bookings"]))
    return signed_in(client, user)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def marked() -> set[int]:
    return set(InfusionSession.objects.filter(needs_moving_since__isnull=False).values_list("pk", flat=True))


def listed(response) -> set[int]:
    return {s["id"] for s in response.context["adminform"].form.impact_stranded}


def _put(data: dict, name: str, widget, value) -> None:
    if isinstance(widget, MultiWidget):
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        for suffix, sub, sub_value in zip(widget.widgets_names, widget.widgets, values, strict=True):
            _put(data, f"{name}{suffix}", sub, sub_value)
    elif isinstance(widget, CheckboxInput):
        if value:
            data[name] = "on"
    elif value is None:
        data[name] = ""
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    else:
        formatted = widget.format_value(value)
        data[name] = formatted if isinstance(formatted, str) else str(value)


def form_data(response, **changes) -> dict:
    """The change form's data as the browser would post it unchanged (inlines and their management forms
    included), with `changes` (posted names) applied; a value None removes the name."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            _put(data, form.add_prefix(name), field.widget.widget if hasattr(field.widget, "widget") else field.widget,
                 form[name].value())
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def closure_form(clinic, *, chair=None, day=5, reason="Burst pipe", **more):
    return {"clinic": clinic.pk, "chair": chair.pk if chair else "", "starts_at_0": f"2027-03-{day:02d}",
            "starts_at_1": "00:00", "ends_at_0": f"2027-03-{day + 1:02d}", "ends_at_1": "00:00", "reason": reason, **more}


class TestClosure:
    def test_a_closure_that_strands_stops_at_a_list_and_writes_nothing(self, admin_client, week):
        clinic, _, _, _, s = week
        page = admin_client.post(url(Closure, "add"), closure_form(clinic))
        assert page.status_code == 200
        assert listed(page) == {s["fri_a"].pk, s["fri_b"].pk}
        text = page.content.decode()
        assert "2 booked sessions would need moving" in text and "Nothing is saved yet" in text
        assert "Pat Ames" in text and "Pat Baker" in text and "Pat Cole" not in text
        assert "Fri 2027-03-05 09:00–" in text and "EST" in text  # the clinic's zone and clock
        assert "Chair A" in text and "Ada Nurse" in text and "The clinic is closed" in text
        assert f'name="_impact_confirm" id="id__impact_confirm" value="{s["fri_a"].pk},{s["fri_b"].pk}"' in text
        assert not Closure.objects.exists() and not marked()

    def test_save_anyway_writes_marks_and_says_which(self, admin_client, week):
        clinic, _, _, _, s = week
        ids = f"{s['fri_a'].pk},{s['fri_b'].pk}"
        done = admin_client.post(url(Closure, "add"), closure_form(clinic, _impact_confirm=ids), follow=True)
        assert done.redirect_chain and Closure.objects.count() == 1
        assert marked() == {s["fri_a"].pk, s["fri_b"].pk}
        cause = InfusionSession.objects.get(pk=s["fri_a"].pk).needs_moving_cause
        assert cause == "Closure added: Burst pipe (admin site)"
        message = [str(m) for m in done.context["messages"]]
        assert any("2 booked session(s) of Riverside" in m and "Pat Ames" in m for m in message), message

    def test_a_confirm_for_other_sessions_asks_again(self, admin_client, week):
        clinic, _, _, _, s = week
        page = admin_client.post(url(Closure, "add"), closure_form(clinic, _impact_confirm=str(s["fri_a"].pk)))
        assert page.status_code == 200 and listed(page) == {s["fri_a"].pk, s["fri_b"].pk}
        assert admin_client.post(url(Closure, "add"), closure_form(clinic, _impact_confirm="x,-1,9" * 50)).status_code == 200
        assert not Closure.objects.exists() and not marked()

    def test_a_closure_that_strands_nothing_goes_straight_through(self, admin_client, week):
        clinic = week[0]
        assert admin_client.post(url(Closure, "add"), closure_form(clinic, day=8)).status_code == 302
        assert Closure.objects.count() == 1 and not marked()

    def test_a_chair_closure_lists_only_that_chairs_sessions_and_changing_one_asks_too(self, admin_client, week):
        clinic, a, b, _, s = week
        page = admin_client.post(url(Closure, "add"), closure_form(clinic, chair=b, reason="Maintenance"))
        assert listed(page) == {s["fri_b"].pk} and "out of service" in page.content.decode()
        closure = Closure.objects.create(clinic=clinic, chair=b, starts_at=local(clinic, 2027, 3, 8),
                                         ends_at=local(clinic, 2027, 3, 9), reason="Maintenance")
        moved = admin_client.post(url(Closure, "change", closure.pk), closure_form(clinic, chair=a, day=4))
        assert listed(moved) == {s["thu"].pk}
        closure.refresh_from_db()
        assert closure.chair == b and closure.starts_at == local(clinic, 2027, 3, 8)
        # Only the reason changed: nothing new is stranded.
        assert admin_client.post(url(Closure, "change", closure.pk),
                                 closure_form(clinic, chair=b, day=8, reason="Parts late")).status_code == 302

    def test_a_closure_already_stranding_its_sessions_does_not_ask_again(self, admin_client, week):
        clinic, _, _, _, s = week
        closure = Closure.objects.create(clinic=clinic, starts_at=local(clinic, 2027, 3, 5),
                                         ends_at=local(clinic, 2027, 3, 6), reason="Burst pipe")
        answer = admin_client.post(url(Closure, "change", closure.pk), closure_form(clinic, reason="Burst pipe, 2nd floor"))
        assert answer.status_code == 302
        assert marked() == {s["fri_a"].pk, s["fri_b"].pk}  # the mark after any save: the clinic re-checked


class TestTimeOff:
    def form(self, nurse, **more):
        return {"staff": nurse.pk, "starts_at_0": "2027-03-04", "starts_at_1": "00:00", "ends_at_0": "2027-03-05",
                "ends_at_1": "00:00", "reason": "Training", **more}

    def test_time_off_lists_the_nurses_sessions_then_saves_anyway(self, admin_client, week):
        _, _, _, nurse, s = week
        page = admin_client.post(url(TimeOff, "add"), self.form(nurse))
        assert listed(page) == {s["thu"].pk} and "The nurse has time off then." in page.content.decode()
        assert not TimeOff.objects.exists() and not marked()
        assert admin_client.post(url(TimeOff, "add"), self.form(nurse, _impact_confirm=str(s["thu"].pk))).status_code == 302
        assert TimeOff.objects.count() == 1 and marked() == {s["thu"].pk}

    def test_time_off_on_a_free_day_and_its_delete_go_through(self, admin_client, week):
        _, _, _, nurse, _ = week
        assert admin_client.post(url(TimeOff, "add"), self.form(nurse, starts_at_0="2027-03-02", ends_at_0="2027-03-03")).status_code == 302
        off = TimeOff.objects.get()
        assert "would need moving" not in admin_client.get(url(TimeOff, "delete", off.pk)).content.decode()
        assert admin_client.post(url(TimeOff, "delete", off.pk), {"post": "yes"}).status_code == 302
        assert not TimeOff.objects.exists() and not marked()


class TestShift:
    def friday(self, nurse):
        return Shift.objects.get(staff=nurse, weekday=FRIDAY)

    def test_a_shorter_shift_lists_what_falls_outside_it(self, admin_client, week):
        _, _, _, nurse, s = week
        shift = self.friday(nurse)
        data = {"staff": nurse.pk, "weekday": FRIDAY, "starts": "11:00", "ends": "18:00", "valid_from": "", "valid_until": ""}
        page = admin_client.post(url(Shift, "change", shift.pk), data)
        assert listed(page) == {s["fri_a"].pk} and "not on shift" in page.content.decode()
        shift.refresh_from_db()
        assert shift.starts == dt.time(8) and not marked()
        assert admin_client.post(url(Shift, "change", shift.pk), {**data, "_impact_confirm": str(s["fri_a"].pk)}).status_code == 302
        shift.refresh_from_db()
        assert shift.starts == dt.time(11) and marked() == {s["fri_a"].pk}

    def test_a_shift_that_strands_nothing_goes_straight_through(self, admin_client, week):
        _, _, _, nurse, _ = week
        data = {"staff": nurse.pk, "weekday": 5, "starts": "09:00", "ends": "12:00", "valid_from": "", "valid_until": ""}
        assert admin_client.post(url(Shift, "add"), data).status_code == 302
        assert Shift.objects.filter(staff=nurse, weekday=5).exists() and not marked()

    def test_deleting_a_shift_lists_them_on_the_confirm_page_then_marks(self, admin_client, week):
        _, _, _, nurse, s = week
        shift = self.friday(nurse)
        page = admin_client.get(url(Shift, "delete", shift.pk))
        assert {r["id"] for r in page.context["impact_stranded"]} == {s["fri_a"].pk, s["fri_b"].pk}
        assert "2 booked sessions would need moving" in page.content.decode()
        assert admin_client.post(url(Shift, "delete", shift.pk), {"post": "yes"}).status_code == 302
        assert not Shift.objects.filter(pk=shift.pk).exists() and marked() == {s["fri_a"].pk, s["fri_b"].pk}

    def test_deleting_shifts_from_the_list_shows_them_together_then_marks(self, admin_client, week):
        _, _, _, nurse, s = week
        picked = [self.friday(nurse).pk, Shift.objects.get(staff=nurse, weekday=THURSDAY).pk]
        action = {"action": "delete_selected", "_selected_action": picked}
        page = admin_client.post(url(Shift, "changelist"), action)
        assert {r["id"] for r in page.context["impact_stranded"]} == {s["fri_a"].pk, s["fri_b"].pk, s["thu"].pk}
        assert Shift.objects.filter(pk__in=picked).count() == 2
        admin_client.post(url(Shift, "changelist"), {**action, "post": "yes"})
        assert not Shift.objects.filter(pk__in=picked).exists()
        assert marked() == {s["fri_a"].pk, s["fri_b"].pk, s["thu"].pk}


class TestStaffMemberInlines:
    def test_a_shift_changed_inline_lists_them_first(self, admin_client, week):
        _, _, _, nurse, s = week
        page = admin_client.get(url(StaffMember, "change", nurse.pk))
        shifts = page.context["inline_admin_formsets"][0].formset
        row = next(i for i, f in enumerate(shifts.forms) if f.instance.weekday == FRIDAY)
        data = form_data(page, **{f"{shifts.prefix}-{row}-starts": "13:00"})
        answer = admin_client.post(url(StaffMember, "change", nurse.pk), data)
        assert answer.status_code == 200 and listed(answer) == {s["fri_a"].pk, s["fri_b"].pk}
        assert Shift.objects.get(staff=nurse, weekday=FRIDAY).starts == dt.time(8) and not marked()
        ids = ",".join(str(i) for i in sorted(listed(answer)))
        assert admin_client.post(url(StaffMember, "change", nurse.pk), {**data, "_impact_confirm": ids}).status_code == 302
        assert Shift.objects.get(staff=nurse, weekday=FRIDAY).starts == dt.time(13)
        assert marked() == {s["fri_a"].pk, s["fri_b"].pk}

    def test_time_off_added_inline_and_deactivating_list_them(self, admin_client, week):
        _, _, _, nurse, s = week
        page = admin_client.get(url(StaffMember, "change", nurse.pk))
        off = page.context["inline_admin_formsets"][1].formset
        data = form_data(page, **{
            f"{off.prefix}-TOTAL_FORMS": "1", f"{off.prefix}-0-starts_at_0": "2027-03-04", f"{off.prefix}-0-starts_at_1": "00:00",
            f"{off.prefix}-0-ends_at_0": "2027-03-05", f"{off.prefix}-0-ends_at_1": "00:00", f"{off.prefix}-0-reason": "Course",
        })
        answer = admin_client.post(url(StaffMember, "change", nurse.pk), data)
        assert listed(answer) == {s["thu"].pk} and not TimeOff.objects.exists()
        retired = admin_client.post(url(StaffMember, "change", nurse.pk), form_data(page, is_active=None))
        assert listed(retired) == {s["fri_a"].pk, s["fri_b"].pk, s["thu"].pk}
        assert StaffMember.objects.get(pk=nurse.pk).is_active

    def test_an_unchanged_save_goes_straight_through(self, admin_client, week):
        nurse = week[3]
        page = admin_client.get(url(StaffMember, "change", nurse.pk))
        assert admin_client.post(url(StaffMember, "change", nurse.pk), form_data(page)).status_code == 302


class TestOpeningHours:
    def test_shorter_hours_are_listed_first(self, admin_client, week):
        clinic, _, _, _, s = week
        hours = OpeningHours.objects.get(clinic=clinic, weekday=FRIDAY)
        data = {"clinic": clinic.pk, "weekday": FRIDAY, "opens": "10:00", "closes": "18:00"}
        page = admin_client.post(url(OpeningHours, "change", hours.pk), data)
        assert listed(page) == {s["fri_a"].pk}
        hours.refresh_from_db()
        assert hours.opens == dt.time(8)
        assert admin_client.post(url(OpeningHours, "change", hours.pk), {**data, "_impact_confirm": str(s["fri_a"].pk)}).status_code == 302
        assert marked() == {s["fri_a"].pk}

    def test_deleting_a_days_hours_lists_that_days_sessions(self, admin_client, week):
        clinic, _, _, _, s = week
        hours = OpeningHours.objects.get(clinic=clinic, weekday=THURSDAY)
        page = admin_client.get(url(OpeningHours, "delete", hours.pk))
        assert {r["id"] for r in page.context["impact_stranded"]} == {s["thu"].pk}

    def test_the_clinics_inline_hours_and_its_time_zone(self, admin_client, week):
        clinic, _, _, _, s = week
        page = admin_client.get(url(Clinic, "change", clinic.pk))
        hours = page.context["inline_admin_formsets"][0].formset
        row = next(i for i, f in enumerate(hours.forms) if f.instance.weekday == FRIDAY)
        answer = admin_client.post(url(Clinic, "change", clinic.pk),
                                   form_data(page, **{f"{hours.prefix}-{row}-opens": "12:30"}))
        assert answer.status_code == 200 and listed(answer) == {s["fri_a"].pk, s["fri_b"].pk}
        assert OpeningHours.objects.get(clinic=clinic, weekday=FRIDAY).opens == dt.time(8)
        # Three hours west: 09:00 in New York is 06:00 there, before the clinic opens.
        moved = admin_client.post(url(Clinic, "change", clinic.pk), form_data(page, timezone="America/Los_Angeles"))
        assert s["fri_a"].pk in listed(moved) and Clinic.objects.get(pk=clinic.pk).timezone == "America/New_York"
        # A clinic saved as it is, or with a new phone number, goes straight through.
        assert admin_client.post(url(Clinic, "change", clinic.pk), form_data(page, phone="+1 212 555 0100")).status_code == 302
        assert not marked()


class TestChair:
    def test_taking_a_chair_out_of_service_lists_its_sessions(self, admin_client, week):
        clinic, a, _, _, s = week
        data = {"clinic": clinic.pk, "name": "Chair A"}  # is_active unticked
        page = admin_client.post(url(Chair, "change", a.pk), data)
        assert listed(page) == {s["fri_a"].pk, s["thu"].pk} and "no longer in service" in page.content.decode()
        a.refresh_from_db()
        assert a.is_active
        ids = f"{s['fri_a'].pk},{s['thu'].pk}"
        assert admin_client.post(url(Chair, "change", a.pk), {**data, "_impact_confirm": ids}).status_code == 302
        a.refresh_from_db()
        assert not a.is_active and marked() == {s["fri_a"].pk, s["thu"].pk}

    def test_renaming_a_chair_goes_straight_through(self, admin_client, week):
        clinic, a, _, _, _ = week
        assert admin_client.post(url(Chair, "change", a.pk), {"clinic": clinic.pk, "name": "Window", "is_active": "on"}).status_code == 302
        assert Chair.objects.get(pk=a.pk).name == "Window" and not marked()

    def test_a_chair_unticked_in_the_clinics_inline(self, admin_client, week):
        clinic, _, b, _, s = week
        page = admin_client.get(url(Clinic, "change", clinic.pk))
        chairs = page.context["inline_admin_formsets"][2].formset
        row = next(i for i, f in enumerate(chairs.forms) if f.instance.pk == b.pk)
        answer = admin_client.post(url(Clinic, "change", clinic.pk), form_data(page, **{f"{chairs.prefix}-{row}-is_active": None}))
        assert listed(answer) == {s["fri_b"].pk}
        assert Chair.objects.get(pk=b.pk).is_active
