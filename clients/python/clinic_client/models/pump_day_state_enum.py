from enum import StrEnum


class PumpDayStateEnum(StrEnum):
    EPISODE = "episode"
    FREE = "free"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"
    TURNAROUND = "turnaround"

    def __str__(self) -> str:
        return str(self.value)
