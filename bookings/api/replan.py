"""Re-plan in the API: the proposals for a clinic's stranded ("needs moving") sessions, and applying them.

GET /api/v1/sessions/replan/?clinic= (bookings.selectors.replan) and POST /api/v1/sessions/replan/
(bookings.services.replan): one session or all of them, each moved in its own transaction, each refusal explained.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import ScopedPrimaryKeyRelatedField, clinic_field
from bookings.api.views.openapi import _validation
from bookings.models import InfusionSession
from bookings.selectors.replan import MOVE, NONE, REASSIGN, REPLAN_MAX, replan_proposals, replan_sessions
from bookings.services.replan import MOVED, REASSIGNED, REFUSED, sessions_replan
from common.api import BOOKING_ROLES, ClinicScopedQuerysetMixin, RolePermission
from common.openapi import FORBIDDEN_BOOKING, UNAUTHENTICATED
from common.openapi import error_response as _errors
from common.serializers import QuerySerializer, StrictBooleanField, StrictListField, StrictSerializer

#: A proposal's kind and an applied move's outcome: their enums are named in the schema
#: (SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES), as a bare `KindEnum` would clash with the waitlist's.
REPLAN_KINDS = [REASSIGN, MOVE, NONE]
REPLAN_OUTCOMES = [MOVED, REASSIGNED, REFUSED]

HOW = (
    "**How a proposal is made.** First the same start with another chair or nurse (a chair out of service, a "
    "nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest date, before or after, "
    "on which the session keeps its course valid (spacing, window, opening hours, closures, chairs, nurse capacity, "
    "stagger, the patient's other sessions), at the time of day nearest its own. Sessions are planned earliest "
    "first, each against the proposals before it, so two proposals never collide and sessions of one course stay "
    f"spaced from each other's new times. At most {REPLAN_MAX} sessions at once, earliest first."
)


class ReplanQuerySerializer(QuerySerializer):
    clinic = clinic_field(help_text="The clinic whose needs-moving sessions to re-plan (id).")


class ReplanRequestSerializer(StrictSerializer):
    clinic = clinic_field(help_text="The clinic (id).")
    sessions = StrictListField(
        child=ScopedPrimaryKeyRelatedField(name="session", queryset=InfusionSession.objects.select_related("cycle__protocol", "patient")),
        required=False, allow_empty=False, max_length=REPLAN_MAX, unique=True,
        help_text="The sessions to re-plan (ids, of this clinic). Give these or `all`.",
    )
    all = StrictBooleanField(required=False, help_text="`true`: every session on the clinic's Needs moving worklist.")

    def validate(self, attrs):
        clinic = attrs["clinic"]
        if ("sessions" in attrs) == bool(attrs.get("all")):
            raise serializers.ValidationError({"sessions": ["Give either `sessions` or `all: true`."]})
        for session in attrs.get("sessions", ()):
            if session.clinic_id != clinic.pk:
                raise serializers.ValidationError({"sessions": [f"Session {session.pk} is not at clinic {clinic.pk}."]})
        return attrs


class ReplanPlaceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="UTC instant.")
    ends_at = serializers.DateTimeField(help_text="UTC instant.")
    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")
    chair = serializers.IntegerField(source="chair_id", help_text="Chair (id).")
    nurse = serializers.IntegerField(source="nurse_id", help_text="Nurse (id).")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj) -> str:
        return obj.starts_at.astimezone(obj.clinic.tz if isinstance(obj, InfusionSession) else self.context["tz"]).isoformat()


class ReplanPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return f"{obj.first_name} {obj.last_name}"


class ReplanRefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ReplanProposalSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk", help_text="The stranded session (id).")
    sequence = serializers.IntegerField(source="session.sequence", help_text="k in 'session k of n'.")
    patient = ReplanPatientSerializer(source="session.patient")
    now = ReplanPlaceSerializer(source="session", help_text="Where and when it is booked now.")
    needs_moving_reasons = serializers.ListField(
        child=serializers.CharField(), source="session.needs_moving_reasons",
        help_text="Why it is stranded (rule codes, e.g. clinic_closed, nurse_absent); empty when not marked.",
    )
    kind = serializers.ChoiceField(choices=REPLAN_KINDS, help_text="`reassign`: same time, another chair "
                                   "or nurse; `move`: a new time; `none`: no time found (see `refusal`).")
    proposal = serializers.SerializerMethodField(help_text="The proposed place (null when `kind` is `none`).")
    refusal = serializers.SerializerMethodField(help_text="Why there is no proposal (null otherwise).")

    @extend_schema_field(ReplanPlaceSerializer(allow_null=True))
    def get_proposal(self, obj):
        if obj.kind == NONE:
            return None
        return ReplanPlaceSerializer(obj, context=self.context).data

    @extend_schema_field(ReplanRefusalSerializer(allow_null=True))
    def get_refusal(self, obj):
        return {"code": obj.refusal[0], "message": obj.refusal[1]} if obj.refusal else None


class ReplanResultSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk", help_text="The session (id).")
    outcome = serializers.ChoiceField(choices=REPLAN_OUTCOMES, help_text="`moved` (the patient is "
                                      "sent the 'moved' email), `reassigned` (same time; no email), `refused`.")
    starts_at = serializers.DateTimeField(source="session.starts_at", help_text="Its start now (UTC).")
    chair = serializers.IntegerField(source="session.chair_id", help_text="Its chair now (id).")
    nurse = serializers.IntegerField(source="session.nurse_id", help_text="Its nurse now (id).")
    code = serializers.CharField(allow_blank=True, help_text="Why it was refused (a rule's code); '' otherwise.")
    message = serializers.CharField(allow_blank=True, help_text="The refusal in words; '' otherwise.")


class ReplanOutcomeSerializer(serializers.Serializer):
    results = ReplanResultSerializer(many=True, help_text="One per session, in the order they were planned.")
    moved = serializers.IntegerField()
    reassigned = serializers.IntegerField()
    refused = serializers.IntegerField()


_PROPOSAL_EXAMPLE = {
    "session": 812, "sequence": 3, "patient": {"id": 41, "name": "Ada Lovelace"},
    "now": {"starts_at": "2027-03-05T14:00:00Z", "ends_at": "2027-03-05T16:00:00Z",
            "starts_local": "2027-03-05T09:00:00-05:00", "chair": 3, "nurse": 7},
    "needs_moving_reasons": ["clinic_closed"], "kind": "move",
    "proposal": {"starts_at": "2027-03-04T14:00:00Z", "ends_at": "2027-03-04T16:00:00Z",
                 "starts_local": "2027-03-04T09:00:00-05:00", "chair": 3, "nurse": 7},
    "refusal": None,
}


class ReplanView(ClinicScopedQuerysetMixin, APIView):
    """GET and POST /api/v1/sessions/replan/."""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @extend_schema(
        operation_id="sessions_replan_proposals",
        tags=["sessions"],
        summary="Proposals for the stranded sessions",
        description=(
            "The clinic's Needs moving worklist (upcoming sessions a closure, a chair out of service or a nurse's "
            "absence stranded), each with the place the planner proposes for it. Nothing is stored.\n\n" + HOW
        ),
        parameters=[ReplanQuerySerializer],
        responses={
            200: ReplanProposalSerializer(many=True),
            400: _errors("Bad input; `details` names the parameter.", _validation("clinic", "There is no such clinic in your clinics (id 9).")),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
        },
        examples=[OpenApiExample("Proposals", response_only=True, value=[_PROPOSAL_EXAMPLE])],
    )
    def get(self, request):
        query = ReplanQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        clinic = query.validated_data["clinic"]
        proposals = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
        return Response(ReplanProposalSerializer(proposals, many=True, context={"tz": clinic.tz}).data)

    @extend_schema(
        operation_id="sessions_replan",
        tags=["sessions"],
        summary="Re-plan stranded sessions",
        description=(
            "Plans the given sessions (or, with `all: true`, the clinic's whole Needs moving worklist) as the GET "
            "does, then applies each proposal in its own transaction, through the same checks and locks as moving a "
            "session: a `move` sends the patient the 'moved' email (with an updated calendar file) and new "
            "reminders; a `reassign` (same time, another chair or nurse) changes nothing the patient sees, so it "
            "keeps the session's status and links and sends nothing. Each session's Needs moving mark is cleared "
            "when it moves. A refusal is reported per session with its code (`no_time_found`, `invalid_transition`, "
            "a rule's code such as `chair_conflict` when something was booked there meanwhile) and leaves the other "
            "sessions' moves standing: the answer is 200 whatever each outcome.\n\n" + HOW
        ),
        request=ReplanRequestSerializer,
        responses={
            200: ReplanOutcomeSerializer,
            400: _errors(
                "The request is not valid.",
                _validation("sessions", "Give either `sessions` or `all: true`."),
                _validation("sessions", "Session 812 is not at clinic 2."),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
        },
        examples=[
            OpenApiExample("All of them", request_only=True, value={"clinic": 2, "all": True}),
            OpenApiExample("Some", request_only=True, value={"clinic": 2, "sessions": [812, 813]}),
            OpenApiExample("Outcome", response_only=True, value={
                "results": [
                    {"session": 812, "outcome": "moved", "starts_at": "2027-03-04T14:00:00Z", "chair": 3, "nurse": 7,
                     "code": "", "message": ""},
                    {"session": 813, "outcome": "refused", "starts_at": "2027-03-05T17:00:00Z", "chair": 4, "nurse": 7,
                     "code": "no_time_found",
                     "message": "No free time keeps the course valid between Tue 02 Mar and Mon 08 Mar."},
                ],
                "moved": 1, "reassigned": 0, "refused": 1,
            }),
        ],
    )
    def post(self, request):
        body = ReplanRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        results = sessions_replan(clinic=v["clinic"], sessions=None if v.get("all") else v["sessions"], by=request.user)
        counts = {k: sum(r.outcome == k for r in results) for k in (MOVED, REASSIGNED, REFUSED)}
        return Response({"results": ReplanResultSerializer(results, many=True).data, **counts})

