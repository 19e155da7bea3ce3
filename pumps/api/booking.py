"""Booking routes: episodes/proposals/, pumps/availability/, POST episodes/ (book)."""

urlpatterns: list = []
