from enum import StrEnum


class CheckItemStatusEnum(StrEnum):
    FLAGGED = "flagged"
    MISSING = "missing"
    PASSED = "passed"
    STALE = "stale"

    def __str__(self) -> str:
        return str(self.value)
