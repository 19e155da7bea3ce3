"""The waitlist API: entries (create, list, retrieve, withdraw) and their offers (list, offer a slot by hand).

The desk and admins write; every staff role reads. Rows are scoped to the user's clinics (another clinic's
entry is a 404); each entry handed out is recorded in the audit trail as a read of its patient's data.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.mixins import AuditReadMixin
from bookings.api.views.base import ScopedViewSet
from common.access import ALL_ROLES, BOOKING_ROLES
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from waitlist import services
from waitlist.api.serializers import EntryCreateSerializer, EntrySerializer, OfferCreateSerializer, OfferSerializer
from waitlist.models import WaitlistEntry

NOT_FOUND = _errors("No such waitlist entry in your clinics.", _example("not_found", "No WaitlistEntry matches the given query."))
NOT_WAITING = _errors("The entry is not waiting (offered, booked or withdrawn).",
                      _example("entry_not_waiting", "This waitlist entry is booked, not waiting.",
                               {"entry": 12, "status": "booked"}))
ENTRY_INVALID = _errors(
    "The entry breaks a rule; `details` names it.",
    _example("entry_invalid", "Give either a protocol (a new course) or a session (an earlier time).", name="entry_invalid"),
    _example("validation_error", "The request is not valid: patient: There is no such patient in your clinics (id 9).",
             {"patient": ["There is no such patient in your clinics (id 9)."]}, name="validation_error"),
)
OFFER_REFUSED = _errors(
    "The slot does not suit the entry, or the entry is not waiting.",
    _example("slot_unsuited", "That time does not suit this waitlist entry (its course, its constraints, or the chairs "
             "and nurses then).", {"entry": 12}, name="slot_unsuited"),
    _example("entry_not_waiting", "This waitlist entry is offered, not waiting.", {"entry": 12, "status": "offered"},
             name="entry_not_waiting"),
)
OFFER_EXAMPLE = {
    "id": 7, "entry": 12, "starts_at": "2027-03-08T15:00:00Z", "ends_at": "2027-03-08T17:00:00Z", "chair": 3,
    "nurse": 5, "sessions": [{"starts_at": "2027-03-08T15:00:00+00:00", "ends_at": "2027-03-08T17:00:00+00:00",
                              "chair": 3, "nurse": 5}],
    "expires_at": "2027-03-01T14:00:00Z", "status": "offered", "by_hand": False, "created_at": "2027-03-01T12:00:00Z",
    "decided_at": None, "cycle": None,
}
ENTRY_EXAMPLE = {
    "id": 12, "clinic": 1, "patient": 41, "kind": "session", "protocol": None, "session": 812, "weekdays": [0, 2],
    "time_from": "09:00:00", "time_to": None, "earliest_date": None, "latest_date": "2027-03-31", "status": "offered",
    "notes": "", "created_at": "2027-02-20T16:31:07Z", "offers": [OFFER_EXAMPLE],
}


def _ok(name: str, value, code: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


@extend_schema_view(
    list=extend_schema(
        operation_id="waitlist_list", summary="List waitlist entries",
        description="Your clinics' waitlist entries, oldest first (the order offers follow), with their offers.",
        responses={200: EntrySerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        examples=[_ok("A page of entries", ENTRY_EXAMPLE)], tags=["waitlist"],
    ),
    retrieve=extend_schema(
        operation_id="waitlist_retrieve", summary="Get a waitlist entry",
        description="One entry with its offers and their outcomes.",
        responses={200: EntrySerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("An entry", ENTRY_EXAMPLE)], tags=["waitlist"],
    ),
    create=extend_schema(
        operation_id="waitlist_create", summary="Put a patient on the waitlist",
        description="For a new course (`protocol`) or an earlier time for a booked session (`session`), with the "
        "weekdays, times of day (clinic time) and dates that suit. When a slot frees that suits the entry (and "
        "no earlier entry), the patient is offered it by email, held for the clinic's `waitlist_hold_minutes`.",
        request=EntryCreateSerializer,
        responses={201: EntrySerializer, 400: ENTRY_INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING},
        examples=[OpenApiExample("An earlier session", value={"clinic": 1, "patient": 41, "session": 812,
                                 "weekdays": [0, 2], "time_from": "09:00"}, request_only=True),
                  _ok("The entry", {**ENTRY_EXAMPLE, "status": "waiting", "offers": []}, "201")],
        tags=["waitlist"],
    ),
    withdraw=extend_schema(
        operation_id="waitlist_withdraw", summary="Take an entry off the waitlist",
        description="An open offer is withdrawn with it and its slot offered to the next patient.",
        request=None,
        responses={200: EntrySerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING, 404: NOT_FOUND, 409: NOT_WAITING},
        examples=[_ok("Withdrawn", {**ENTRY_EXAMPLE, "status": "withdrawn", "offers": []})], tags=["waitlist"],
    ),
)
class WaitlistViewSet(AuditReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    audit_read_actions = frozenset({"retrieve", "list"})
    serializer_class = EntrySerializer
    roles = {
        "list": ALL_ROLES, "retrieve": ALL_ROLES, "metadata": ALL_ROLES, "offers": ALL_ROLES,
        "create": BOOKING_ROLES, "withdraw": BOOKING_ROLES, "offer_create": BOOKING_ROLES,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WaitlistEntry.objects.none()
        return self.scope(WaitlistEntry.objects.prefetch_related("offers").order_by("created_at", "pk"))

    def create(self, request, *args, **kwargs):
        data = self.parse(EntryCreateSerializer)
        entry = services.entry_create(by=request.user, **data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = services.entry_withdraw(entry=self.get_object(), by=request.user)
        return Response(EntrySerializer(entry).data)

    @extend_schema(
        operation_id="waitlist_offers", summary="List an entry's offers",
        description="Every offer made to the entry, newest first, with its outcome.",
        responses={200: OfferSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("Offers", [OFFER_EXAMPLE])], tags=["waitlist"],
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def offers(self, request, pk=None):
        return Response(OfferSerializer(self.get_object().offers.all(), many=True).data)

    @extend_schema(
        operation_id="waitlist_offers_create", summary="Offer a slot by hand",
        description="Offer the entry the slot starting at `starts_at` (a chair preferred): the course (or the "
        "move) is planned as the booking service would book it, the patient is emailed, and the slot is held for "
        "the clinic's hold time. A slot may be offered by hand to several patients: the first acceptance books it.",
        request=OfferCreateSerializer,
        responses={201: OfferSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING, 404: NOT_FOUND, 409: OFFER_REFUSED},
        examples=[OpenApiExample("A slot", value={"starts_at": "2027-03-08T10:00"}, request_only=True),
                  _ok("The offer", OFFER_EXAMPLE, "201")],
        tags=["waitlist"],
    )
    @offers.mapping.post
    def offer_create(self, request, pk=None):
        entry = self.get_object()
        data = self.parse(OfferCreateSerializer)
        offer = services.offer_make(entry=entry, starts_at=data["starts_at"], chair=data.get("chair"), by=request.user,
                                    by_hand=True)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)
