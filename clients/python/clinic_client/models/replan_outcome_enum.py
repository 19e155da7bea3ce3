from enum import StrEnum


class ReplanOutcomeEnum(StrEnum):
    MOVED = "moved"
    REASSIGNED = "reassigned"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
