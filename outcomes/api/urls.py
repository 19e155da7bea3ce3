"""Routes of the outcomes API under /api/v1/."""

from django.urls import path

from outcomes.api import views

urlpatterns = [
    path("instruments/", views.InstrumentListView.as_view(), name="instruments"),
    path("sessions/<int:pk>/measures/", views.SessionMeasuresView.as_view(), name="session-measures"),
    path("sessions/<int:pk>/forms/", views.SessionFormsView.as_view(), name="session-forms"),
    path("cycles/<int:pk>/measures/", views.CycleMeasuresView.as_view(), name="cycle-measures"),
    path("cycles/<int:pk>/review/", views.CycleReviewView.as_view(), name="cycle-review"),
    path("flags/", views.FlagListView.as_view(), name="flags"),
    path("flags/<int:pk>/acknowledge/", views.FlagAcknowledgeView.as_view(), name="flag-acknowledge"),
]
