from enum import StrEnum


class StaffListRole(StrEnum):
    NURSE = "nurse"
    PROVIDER = "provider"

    def __str__(self) -> str:
        return str(self.value)
