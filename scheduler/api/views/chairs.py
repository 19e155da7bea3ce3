"""API views of infusion chairs."""

from __future__ import annotations

from scheduler.api import serializers as s
from scheduler.api.filters import ChairFilter
from scheduler.api.views.base import ConfigViewSet
from scheduler.api.views.schema import config_schema
from scheduler.models import Chair


@config_schema(
    serializer=s.ChairSerializer,
    noun="chair",
    plural="chairs",
    tag="chairs",
    about="An infusion chair: one session holds it for the whole visit.",
    request_example={"clinic": 1, "name": "Chair 3", "is_active": True},
    response_example={"id": 7, "clinic": 1, "name": "Chair 3", "is_active": True},
    field="name",
    field_error="This clinic already has a chair with this name.",
)
class ChairViewSet(ConfigViewSet):
    queryset = Chair.objects.all()
    serializer_class = s.ChairSerializer
    filterset_class = ChairFilter
