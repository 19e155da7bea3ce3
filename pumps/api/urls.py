"""Routes of the pump courses' API under /api/v1/: pumps/, pumps/availability/, episodes/ (create = book; the
actions fit, review, remove, return, cancel), episodes/proposals/, pump-protocols/ (read). Each module holds its own routes."""

from pumps.api import availability, booking, life, protocols

# availability first: "pumps/availability/" must not be taken for a pump's id by a router's detail route.
urlpatterns = [*availability.urlpatterns, *booking.urlpatterns, *life.urlpatterns, *protocols.urlpatterns]
