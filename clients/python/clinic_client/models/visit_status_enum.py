from enum import StrEnum


class VisitStatusEnum(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    MISSED = "missed"
    PLANNED = "planned"

    def __str__(self) -> str:
        return str(self.value)
