"""API views of infusion chairs."""

from __future__ import annotations

from scheduler.api import serializers as s
from scheduler.api.filters import ChairFilter
from scheduler.api.impact import with_impact
from scheduler.api.views.base import ConfigViewSet
from scheduler.api.views.impact import ImpactMixin
from scheduler.api.views.schema import config_schema
from scheduler.impact import chair_impact
from scheduler.models import Chair


@config_schema(
    serializer=s.ChairSerializer,
    noun="chair",
    plural="chairs",
    tag="chairs",
    about="An infusion chair: one session holds it for the whole visit.",
    request_example={"clinic": 1, "name": "Chair 3", "is_active": True},
    response_example={"id": 7, "clinic": 1, "name": "Chair 3", "is_active": True, "stranded_sessions": []},
    field="name",
    field_error="This clinic already has a chair with this name.",
    impact=True,
)
class ChairViewSet(ImpactMixin, ConfigViewSet):
    queryset = Chair.objects.select_related("clinic")
    serializer_class = s.ChairSerializer
    impact_serializer_class = with_impact(s.ChairSerializer)
    filterset_class = ChairFilter

    def impact_of(self, *, old, new, serializer):
        # Only taking a chair out of service strands; its sessions stay with it otherwise (a delete is refused
        # while sessions refer to it).
        if old is None or new is None or (old.is_active and new.is_active):
            return None
        return chair_impact(chair=new, active=new.is_active, now=self.now())
