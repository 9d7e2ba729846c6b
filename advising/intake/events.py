"""What intake tells the features above it: an intake was made, its answers replaced, its link
asked for by email (typed, explicit)."""

from __future__ import annotations

from dataclasses import dataclass

from advising.intake.models import Intake


@dataclass(frozen=True)
class IntakeCreated:
    """Published inside the intake's transaction, before its commit. Subscribers must not
    pass on the answers (the visitor's personal data) nor the token (the key to the roadmap's
    private link, stored nowhere else in plain); one that needs the token for a job keeps it
    only until the job is done."""

    intake: Intake
    token: str


@dataclass(frozen=True)
class IntakeAnswersReplaced:
    """The visitor kept a "what if" version: new answers and roadmap, published inside the
    transaction that stores them. Same rules as :class:`IntakeCreated`."""

    intake: Intake
    token: str


@dataclass(frozen=True)
class RoadmapLinkRequested:
    """The visitor asked for their roadmap's private link by email (on the intake form or on
    the roadmap page), published inside that transaction. Same rules as
    :class:`IntakeCreated`: the one subscriber that mails the link puts the token in that one
    message and nowhere else."""

    intake: Intake
    token: str


@dataclass(frozen=True)
class IntakeDeleted:
    """The visitor deleted their answers and roadmap: published inside that transaction,
    before the intake row goes, so features remove what they keep of it (the link's mail)."""

    intake: Intake
