"""Routes of the pump courses' API under /api/v1/: pumps/, pumps/availability/, episodes/ (create = book; the
actions fit, review, remove, return, cancel), episodes/proposals/. Each module holds its own routes."""

from pumps.api import booking, life

urlpatterns = [*booking.urlpatterns, *life.urlpatterns]
