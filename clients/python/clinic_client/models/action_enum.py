from enum import StrEnum


class ActionEnum(StrEnum):
    ACCESS = "access"
    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
