"""Pumps and an episode's life: pumps/, episodes/ (list, read), episodes/{id}/<action>/."""

urlpatterns: list = []
