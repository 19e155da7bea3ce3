from enum import StrEnum


class EpisodeStatusEnum(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    FITTED = "fitted"
    REMOVED = "removed"
    RETURNED = "returned"

    def __str__(self) -> str:
        return str(self.value)
