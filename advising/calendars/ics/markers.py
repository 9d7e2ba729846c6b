"""Availability markers: which events say the advisor offers consultations.

One keyword pattern serves the parser and the scrubber, so a title kept when a calendar is
stored is exactly a title the parser reads as available.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from advising.calendars.ics.types import AvailabilityMarkers


def keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, any case and spacing; None when there are no keywords."""
    words = [r"\s+".join(map(re.escape, k.split())) for k in keywords if k.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


class MarkerMatcher:
    """Decides whether an event is one in which the advisor offers consultations."""

    def __init__(self, markers: AvailabilityMarkers) -> None:
        self._pattern = keyword_pattern(markers.keywords)
        self._categories = frozenset(c.strip().casefold() for c in markers.categories if c.strip())

    def matches_title(self, summary: str) -> bool:
        """True when the summary holds one of the keywords."""
        return self._pattern is not None and self._pattern.search(summary) is not None

    def matches(self, summary: str, categories: Sequence[str]) -> bool:
        """True when the summary or a category marks availability."""
        if self.matches_title(summary):
            return True
        return any(category.strip().casefold() in self._categories for category in categories)
