from enum import StrEnum


class OfferStatusEnum(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    OFFERED = "offered"
    TAKEN = "taken"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
