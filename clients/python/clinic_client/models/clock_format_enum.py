from enum import StrEnum


class ClockFormatEnum(StrEnum):
    VALUE_0 = "24h"
    VALUE_1 = "12h"

    def __str__(self) -> str:
        return str(self.value)
