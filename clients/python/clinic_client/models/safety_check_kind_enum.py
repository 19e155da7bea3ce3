from enum import StrEnum


class SafetyCheckKindEnum(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    ESCORT = "escort"
    FASTING = "fasting"
    HEART_RATE = "heart_rate"
    OXYGEN_SATURATION = "oxygen_saturation"
    PREGNANCY = "pregnancy"
    WEIGHT = "weight"

    def __str__(self) -> str:
        return str(self.value)
