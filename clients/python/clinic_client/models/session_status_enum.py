from enum import StrEnum


class SessionStatusEnum(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    IN_CHAIR = "in_chair"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"

    def __str__(self) -> str:
        return str(self.value)
