from enum import StrEnum


class ReviewReasonEnum(StrEnum):
    AFTER_SESSION = "after_session"
    EARLY_DROPOUT = "early_dropout"

    def __str__(self) -> str:
        return str(self.value)
