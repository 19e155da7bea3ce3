"""Routes of the staff pages, mounted at the site's root."""

from django.urls import path

from frontdesk.views import (
    account,
    auth,
    booking,
    closures,
    courses,
    day,
    make_up,
    outbox,
    patients,
    pump_actions,
    pump_booking,
    pumps,
    reminders,
    replan,
    safety,
    sessions,
    staff,
    two_factor,
    waitlist,
    worklists,
)
from frontdesk.views import outcomes as outcome_pages
from frontdesk.views import tomorrow as tomorrow_pages

app_name = "frontdesk"

urlpatterns = [
    path("", day.day_board, name="day"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/devices/<str:key>/sign-out/", account.device_sign_out, name="account-device-sign-out"),
    path("account/sign-out-everywhere/", account.sign_out_everywhere, name="account-sign-out-everywhere"),
    # Two-factor sign-in: the code step after the password, and the user's own settings.
    path("login/verify/", two_factor.login_verify, name="login-verify"),
    path("account/two-factor/", two_factor.two_factor_manage, name="two-factor"),
    path("account/two-factor/setup/", two_factor.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/recovery-codes/", two_factor.recovery_codes_renew, name="two-factor-codes"),
    path("account/two-factor/disable/", two_factor.two_factor_disable, name="two-factor-disable"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/options/", sessions.session_options, name="session-options"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/move/", sessions.session_move, name="session-move"),
    # Safety checks (issue 15): before the catch-all action route below.
    path("sessions/<int:pk>/checks/", safety.session_checks, name="session-checks"),
    path("sessions/<int:pk>/recovery-check/", safety.session_recovery_check, name="session-recovery-check"),
    path("sessions/<int:pk>/<slug:action>/", sessions.session_action, name="session-action"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/new/", patients.patient_new, name="patient-new"),
    path("patients/<int:pk>/", patients.patient_detail, name="patient"),
    # Patient care (issue 13): change a patient's details, with the duplicate warning.
    path("patients/<int:pk>/edit/", patients.patient_edit, name="patient-edit"),
    path("patients/<int:pk>/book/", booking.book, name="book"),
    path("patients/<int:pk>/book/check/", booking.book_check, name="book-check"),
    path("patients/<int:pk>/book/slots/", booking.book_slots, name="book-slots"),
    path("patients/<int:pk>/book/confirm/", booking.book_confirm, name="book-confirm"),
    path("courses/<int:pk>/booked/", booking.cycle_booked, name="cycle-booked"),
    # The course page, and cancelling the whole course from it (a confirmation step first).
    path("courses/<int:pk>/", courses.course_detail, name="course"),
    path("courses/<int:pk>/cancel/", courses.course_cancel, name="course-cancel"),
    # Make-up sessions of a short course: the slot grid of a new session, then the booking (confirmed).
    path("courses/<int:pk>/make-up/", make_up.course_make_up, name="course-make-up"),
    path("courses/<int:pk>/make-up/book/", make_up.course_make_up_book, name="course-make-up-book"),
    path("worklists/", worklists.worklists, name="worklists"),
    path("emails/<int:pk>/send-again/", reminders.reminder_send_again, name="reminder-resend"),
    path("outbox/", outbox.mail_list, name="outbox"),
    path("outbox/<str:name>/<int:index>/", outbox.mail_detail, name="mail"),
    path("outbox/<str:name>/<int:index>/html/", outbox.mail_html, name="mail-html"),
    # Tomorrow: the unconfirmed patients to phone (with the "called" mark) and the huddle sheet to print.
    path("tomorrow/", tomorrow_pages.unconfirmed_list, name="tomorrow"),
    path("tomorrow/print/", tomorrow_pages.huddle_sheet, name="tomorrow-print"),
    path("tomorrow/sessions/<int:pk>/called/", tomorrow_pages.session_called, name="session-called"),
    # Staff management for a clinic's admins; the set-password page an invite or reset emails a link to.
    path("staff/", staff.staff_list, name="staff"),
    path("staff/invite/", staff.staff_invite, name="staff-invite"),
    path("staff/<int:pk>/", staff.staff_member, name="staff-member"),
    path("staff/<int:pk>/roles/", staff.staff_roles, name="staff-roles"),
    path("staff/<int:pk>/active/", staff.staff_active, name="staff-active"),
    path("staff/<int:pk>/password/", staff.staff_password, name="staff-password"),
    path("staff/<int:pk>/remove/", staff.staff_remove, name="staff-remove"),
    path("staff/welcome/<uidb64>/<token>/", staff.staff_welcome, name="staff-welcome"),
    path("staff/nurses/<int:pk>/", staff.nurse_week, name="staff-nurse"),
    path("staff/nurses/<int:pk>/time-off/<int:time_off>/remove/", staff.nurse_time_off_remove, name="staff-time-off-remove"),
    # When plans break (issue 14): closures of the clinic or of one chair, impact first.
    path("closures/", closures.closure_list, name="closures"),
    path("closures/<int:pk>/remove/", closures.closure_remove, name="closure-remove"),
    # The waitlist (issue 14): the list with offers and outcomes, add from a patient's page, offer by hand, withdraw.
    path("waitlist/", waitlist.waitlist_list, name="waitlist"),
    path("waitlist/<int:pk>/offer/", waitlist.waitlist_offer, name="waitlist-offer"),
    path("waitlist/<int:pk>/withdraw/", waitlist.waitlist_withdraw, name="waitlist-withdraw"),
    path("patients/<int:pk>/waitlist/", waitlist.waitlist_new, name="waitlist-new"),
    # Re-plan the stranded sessions (issue 14): proposals, applied one by one or all at once.
    path("replan/", replan.replan, name="replan"),
    # Outcome measures (issue 15), for clinicians and admins: urgent flags, a course's scores, trend and printable
    # summary, its review decision, and a session's answers entered at check-in.
    # Pump courses (issue 16): the pump board (pumps × days) and an episode's page.
    path("pumps/", pumps.pump_board, name="pumps"),
    path("episodes/<int:pk>/", pumps.episode_detail, name="episode"),
    path("episodes/<int:pk>/<slug:action>/", pump_actions.episode_action, name="episode-action"),
    path("pump-visits/<int:pk>/record/", pump_actions.visit_record, name="pump-visit-record"),
    path("patients/<int:pk>/pump/", pump_booking.pump_propose, name="pump-propose"),
    path("patients/<int:pk>/pump/book/", pump_booking.pump_book, name="pump-book"),
    path("outcomes/flags/", outcome_pages.flag_list, name="outcomes-flags"),
    path("outcomes/flags/<int:pk>/acknowledge/", outcome_pages.flag_acknowledge, name="outcomes-flag-acknowledge"),
    path("outcomes/courses/<int:pk>/", outcome_pages.course_outcomes, name="outcomes-course"),
    path("outcomes/courses/<int:pk>/print/", outcome_pages.course_summary, name="outcomes-summary"),
    path("outcomes/courses/<int:pk>/review/", outcome_pages.course_review, name="outcomes-review"),
    path("outcomes/sessions/<int:pk>/", outcome_pages.session_measures, name="outcomes-session"),
]
