from enum import StrEnum


class DecisionEnum(StrEnum):
    ADJUST = "adjust"
    CONTINUE = "continue"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
