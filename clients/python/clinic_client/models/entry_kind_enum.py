from enum import StrEnum


class EntryKindEnum(StrEnum):
    COURSE = "course"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
