from enum import StrEnum


class KindEnum(StrEnum):
    COURSE = "course"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
