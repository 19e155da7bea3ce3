"""The staff API of the outbox: /api/v1/reminders/ (read, and resend a failed email)."""
