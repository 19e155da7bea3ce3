from enum import StrEnum


class PregnancyEnum(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    NOT_PREGNANT = "not_pregnant"
    POSSIBLY_PREGNANT = "possibly_pregnant"

    def __str__(self) -> str:
        return str(self.value)
