from enum import StrEnum


class EpisodeVisitStatusEnum(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    MISSED = "missed"
    PLANNED = "planned"

    def __str__(self) -> str:
        return str(self.value)
