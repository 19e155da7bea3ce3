"""Words that say what a patient is treated for, and the matcher that finds them in a text.

A patient's email, calendar file or link page may name the clinic, the place and the time, never a drug,
dose, route, diagnosis, score or the kind of course (shared/DOMAIN.md, HIPAA's minimum necessary): a subject
on a lock screen or in a shared inbox would tell anyone what the patient receives. This list is what the
email privacy tests check every email against (tests/notifications/test_privacy.py, which adds the stored
protocols' own words) and what a clinic's email name is checked against before it is saved
(scheduler.models.validate_email_name).

Matching is by whole word, in any case, a trailing plural "s" included ("Infusions" is "infusion"). A hyphen
joins a word, as in "PHQ-9" or "esketamine" never being "ketamine": so a calendar UID like "session-12@…"
is one opaque token. A clinic's name is checked with its hyphens read as spaces instead (see
`treatment_words_in_name`), so "Ketamine-Wellness" is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

TREATMENT_WORDS: tuple[str, ...] = (
    # drugs and their brands
    "ketamine", "esketamine", "arketamine", "spravato", "ketalar", "drug", "drugs", "medication", "medicine",
    # doses
    "dose", "doses", "dosage", "mg", "mcg", "mg/kg", "ml",
    # routes
    "IV", "intravenous", "intramuscular", "IM", "SC", "subcutaneous", "nasal", "intranasal", "spray", "oral",
    # diagnoses and indications
    "depression", "depressive", "MDD", "TRD", "PTSD", "trauma", "anxiety", "pain", "chronic", "suicidal",
    "suicide", "bipolar", "psychiatric", "mental", "diagnosis", "diagnoses", "diagnosed", "indication", "condition",
    # questionnaires and scores
    "PHQ", "PHQ-9", "GAD-7", "MADRS", "PCL-5", "score", "scores", "questionnaire",
    # what the course is
    "protocol", "treatment", "therapy", "therapies", "infusion", "induction", "booster", "maintenance", "session",
    "sessions", "dissociation", "sedation",
    # what clinics' own names often carry besides the above
    "psychiatry", "psychiatrist", "psychedelic", "psilocybin", "MDMA", "TMS", "ECT", "addiction",
    "anesthesia", "anaesthesia", "anesthetic", "anaesthetic",
)


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "PHQ-9" and "mg/kg" win over "PHQ" and "mg".
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w.lower())))
    return re.compile(rf"(?<![\w-])(?:{alternatives})s?(?![\w-])", re.IGNORECASE)


def treatment_words_in(text: str, *, extra: Iterable[str] = ()) -> list[str]:
    """The treatment words (the list above and `extra`) found in `text`, spelt as found, each once, in order.

    [] when the text says none of them.
    """
    words = TREATMENT_WORDS + tuple(sorted({w.strip() for w in extra if w and w.strip()}))
    found: dict[str, str] = {}
    for match in _pattern(words).finditer(text or ""):
        found.setdefault(match.group(0).lower(), match.group(0))
    return list(found.values())


def treatment_words_in_name(name: str, *, extra: Iterable[str] = ()) -> list[str]:
    """As `treatment_words_in`, for a name: hyphens and underscores separate words ("Ketamine-Wellness")."""
    return treatment_words_in(re.sub(r"[-_]+", " ", name or ""), extra=extra)
