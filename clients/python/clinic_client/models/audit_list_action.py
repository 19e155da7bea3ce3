from enum import StrEnum


class AuditListAction(StrEnum):
    ACCESS = "access"
    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
