"""The leases that elect one holder among processes of the same role (today: the beat that sends the sweeps)."""

from django.db import models


class Lease(models.Model):
    """A role held by one process until `expires_at`, renewed by its holder while it lives.

    One row per role, written only by `periodic.lease`: a compare-and-swap UPDATE that succeeds for the current
    holder or once the lease has run out, judged by the database's clock so the processes' clocks do not matter.
    """

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=200, blank=True, default="")
    expires_at = models.DateTimeField()
    # When the current holder took the role (not when it last renewed): how long it has led, for the admin and logs.
    acquired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or 'nobody'}"
