from enum import StrEnum


class SafetyCheckStateEnum(StrEnum):
    FLAGGED = "flagged"
    NOT_REQUIRED = "not_required"
    OVERRIDDEN = "overridden"
    PASSED = "passed"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
