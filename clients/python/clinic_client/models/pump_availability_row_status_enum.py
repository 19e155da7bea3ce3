from enum import StrEnum


class PumpAvailabilityRowStatusEnum(StrEnum):
    IN_SERVICE = "in_service"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"

    def __str__(self) -> str:
        return str(self.value)
