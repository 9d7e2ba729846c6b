"""The weekly study plan: how a person's hours are spread over days and focus areas.

``sessions = clamp(ceil(hours / max_session_hours), min_sessions, len(days))`` (never
more sessions than half-hours). Hours are split over sessions and over focus areas (by
weight, largest remainder) in half-hour units, so the blocks always add up to exactly
``hours_per_week``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .answers import IntakeAnswers
from .conditions import Facts, holds
from .content import Content, FocusContent
from .model import StudyBlock, StudyPlan

#: Extra weight a study focus gets when one of the person's worries names it.
WORRY_FOCUS_BOOST = 1


def _split_halves(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` units by ``weights`` (largest remainder, ties to the earlier item)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    leftovers = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in leftovers[: total - sum(parts)]:
        parts[i] += 1
    return parts


def build_study_plan(
    a: IntakeAnswers, content: Content, facts: Facts, render: Callable[[str], str]
) -> StudyPlan:
    """Blocks of study per day and focus area, adding up to the person's hours."""
    halves = a.hours_per_week * 2
    chosen = [content.worries[k] for k in a.worries]
    max_session = min(
        [content.max_session_hours] + [w.max_session_hours for w in chosen if w.max_session_hours]
    )
    sessions = math.ceil(a.hours_per_week / max_session)
    sessions = min(len(content.day_priority), max(content.min_sessions, sessions), halves)
    session_halves = _split_halves(halves, [1] * sessions)
    # The first ``sessions`` days by preference, shown in calendar order.
    chosen_days = sorted(content.day_priority[:sessions], key=content.study_days.index)

    boosts = {w.study_focus for w in chosen if w.study_focus}

    def weight(f: FocusContent) -> int:
        """The focus's share: by route, else by experience, a worry's boost on top (never for
        a focus the route leaves out), none when its condition does not hold."""
        if not holds(f.when, facts):
            return 0
        base = f.weight_by_route.get(
            facts.route, f.weight_by_experience.get(a.healthcare_experience, f.weight)
        )
        boosted = f.key in boosts and f.weight_by_route.get(facts.route) != 0
        return base + (WORRY_FOCUS_BOOST if boosted else 0)

    weights = [weight(f) for f in content.focus]
    focus_halves = _split_halves(halves, weights)

    blocks: list[StudyBlock] = []
    queue = [[f, n] for f, n in zip(content.focus, focus_halves, strict=True) if n]
    for day, room in zip(chosen_days, session_halves, strict=True):
        while room:
            focus, left = queue[0]
            take = min(room, left)
            blocks.append(
                StudyBlock(
                    day=day,
                    focus=focus.label,
                    hours=take / 2,
                    description=render(focus.description),
                )
            )
            room -= take
            queue[0][1] -= take
            if queue[0][1] == 0:
                queue.pop(0)
    notes = tuple(render(n.text) for n in content.study_notes if holds(n.when, facts))
    return StudyPlan(hours_per_week=a.hours_per_week, blocks=tuple(blocks), notes=notes)
