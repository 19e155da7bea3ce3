from enum import StrEnum


class ModeEnum(StrEnum):
    PHONE = "phone"
    VISIT = "visit"

    def __str__(self) -> str:
        return str(self.value)
