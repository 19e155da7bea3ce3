from enum import StrEnum


class VisitKindEnum(StrEnum):
    FITTING = "fitting"
    REMOVAL = "removal"
    REVIEW = "review"

    def __str__(self) -> str:
        return str(self.value)
