from enum import StrEnum


class ByEnum(StrEnum):
    CLINIC = "clinic"
    PATIENT = "patient"

    def __str__(self) -> str:
        return str(self.value)
