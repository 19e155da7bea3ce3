from enum import StrEnum


class EntryStatusEnum(StrEnum):
    BOOKED = "booked"
    OFFERED = "offered"
    WAITING = "waiting"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
