"""How a sentence names things: lists, labels and countries (pure wording rules)."""

from __future__ import annotations


def spoken_list(items: list[str]) -> str:
    """Items as a sentence names them: "a", "a and b", "a, b and c" ("" for none)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


_COUNTRIES_WITH_THE = frozenset(
    ("philippines", "netherlands", "bahamas", "gambia", "maldives", "comoros", "seychelles")
)
_PLURAL_OR_UNION = ("republic", "kingdom", "islands", "states", "emirates")
#: Short forms people type, as a sentence names the country (keyed by ``country_key``).
_SHORT_FORMS = {
    "uk": "the United Kingdom",
    "gb": "Great Britain",
    "uae": "the United Arab Emirates",
}


def country_key(country: str) -> str:
    """A typed country as it is compared: "U.S.A. " -> "usa", "Canada" -> "canada"."""
    return " ".join(country.replace(".", "").split()).casefold()


#: The United Kingdom as people type it, compared through ``country_key``.
_UK_NAMES = frozenset(
    {
        "united kingdom",
        "the united kingdom",
        "uk",
        "great britain",
        "britain",
        "gb",
        "england",
        "scotland",
        "wales",
        "northern ireland",
    }
)


def is_uk(country: str) -> bool:
    """Whether a typed country is the United Kingdom or one of its nations."""
    return country_key(country) in _UK_NAMES


def country_in_sentence(country: str) -> str:
    """A country as a sentence names it: "the Philippines", "the United Kingdom", "Canada";
    a name typed all in lower case gets its capitals; "U.K." is "the United Kingdom", and no
    name ends in a period for the sentence's own to follow."""
    name = " ".join(country.split())
    if not name:
        return name
    if country_key(name) in _SHORT_FORMS:
        return _SHORT_FORMS[country_key(name)]
    name = name.rstrip(".")
    if name.islower():
        name = " ".join(w if w in ("of", "and", "the") else w.capitalize() for w in name.split())
    words = name.lower().split()
    if words[0] == "the":
        return name[:1].lower() + name[1:]
    if words[-1] in _COUNTRIES_WITH_THE or any(w in _PLURAL_OR_UNION for w in words):
        return f"the {name}"
    return name


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Risk adjustment" -> "risk adjustment"; an
    initialism such as "CDI ..." keeps its capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label
