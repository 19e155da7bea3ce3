"""Signing in: the API token endpoint and the brute-force guard (django-axes) shared by every login path."""
