"""'Any advisor' by fit: what a visitor's roadmap asks for against what each advisor advises
on. Pure: plain values in, plain values out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

CREDENTIAL_POINTS = 3
SPECIALTY_POINTS = 2
SETTING_POINTS = 1
# What an advisor's specialties say about the settings they know.
SETTING_WORDS = {
    "payer": ("risk adjustment", "crc", "cpma", "auditing"),
    "remote": ("risk adjustment", "crc"),
    "hospital": ("ccs", "cca", "inpatient", "cdi", "cdip"),
    "physician_office": ("cpc", "outpatient"),
}


@dataclass(frozen=True)
class Wants:
    """What a visitor's intake and roadmap ask for (all optional)."""

    credentials: tuple[str, ...] = ()  # codes, first the one recommended: ("CRC", "CPMA")
    # (key, label): ("risk_adjustment", "Risk adjustment")
    specialties: tuple[tuple[str, str], ...] = ()
    setting: str = ""


@dataclass(frozen=True)
class Fit:
    """How well an advisor fits: a score and the things they advise on that matched."""

    score: int = 0
    matched: tuple[str, ...] = field(default_factory=tuple)


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def fit(advisor_specialties: Sequence[str], wants: Wants) -> Fit:
    """Score an advisor's stated specialties against what the visitor wants."""
    offered = {_words(s) for s in advisor_specialties}
    score, matched = 0, []
    for code in wants.credentials:
        if _words(code) in offered:
            score += CREDENTIAL_POINTS
            matched.append(code)
    for key, label in wants.specialties:
        if _words(key) in offered or _words(label) in offered:
            score += SPECIALTY_POINTS
            matched.append(label.lower())
    if any(word in offered for word in SETTING_WORDS.get(wants.setting, ())):
        score += SETTING_POINTS
    return Fit(score, tuple(dict.fromkeys(matched)))


def matched_words(matched: Sequence[str]) -> str:
    """'CRC and risk adjustment', 'CPC, CCS and auditing'."""
    items = list(matched)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
