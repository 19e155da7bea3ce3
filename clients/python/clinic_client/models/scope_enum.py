from enum import StrEnum


class ScopeEnum(StrEnum):
    FOLLOWING = "following"
    THIS = "this"

    def __str__(self) -> str:
        return str(self.value)
