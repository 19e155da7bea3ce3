from enum import StrEnum


class EpisodeVisitModeEnum(StrEnum):
    PHONE = "phone"
    VISIT = "visit"

    def __str__(self) -> str:
        return str(self.value)
