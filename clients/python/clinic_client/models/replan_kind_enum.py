from enum import StrEnum


class ReplanKindEnum(StrEnum):
    MOVE = "move"
    NONE = "none"
    REASSIGN = "reassign"

    def __str__(self) -> str:
        return str(self.value)
