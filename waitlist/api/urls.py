"""Routes of the waitlist API under /api/v1/: waitlist/ and waitlist/{id}/offers/ (trailing slashes)."""

urlpatterns: list = []
