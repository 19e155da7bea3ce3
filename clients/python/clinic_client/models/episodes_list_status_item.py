from enum import StrEnum


class EpisodesListStatusItem(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    FITTED = "fitted"
    REMOVED = "removed"
    RETURNED = "returned"

    def __str__(self) -> str:
        return str(self.value)
