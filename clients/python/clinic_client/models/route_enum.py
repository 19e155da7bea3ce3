from enum import StrEnum


class RouteEnum(StrEnum):
    IM = "im"
    IV = "iv"
    NASAL = "nasal"
    ORAL = "oral"
    SC = "sc"

    def __str__(self) -> str:
        return str(self.value)
