"""Roadmap engine: intake answers + content file -> a personalised career roadmap.

Pure package: standard library only (no Flask, no SQLAlchemy), frozen dataclasses in and
out, no clock. The same ``IntakeAnswers`` and the same ``Content`` always give the same
``Roadmap``; every date is derived from ``IntakeAnswers.start_date``.

All wording lives in ``advising/roadmap/content.toml``; the code holds only the rules that
choose which wording applies. ``load_content`` checks the file's schema and raises
``ContentError`` naming the offending key.

Modules, one concern each:

* ``vocabulary``  choice values, hour limits, reason ids, milestone keys, placeholders
* ``answers``     ``IntakeAnswers`` (validated input) and its stored, versioned form
* ``model``       the output dataclasses (``Roadmap``, ``Milestone``, ...)
* ``toml_schema`` ``Node``, the typed reader of TOML tables, and ``ContentError``
* ``conditions``  the ``when = "..."`` condition language of the content file
* ``content``     the parsed content dataclasses (``Content``, ...)
* ``loader``      ``load_content`` / ``parse_content``, one function per file section
* ``rules``       ``build_roadmap``: credential, pathway, durations, milestones
* ``study_plan``  the weekly study plan
* ``serialize``   the roadmap's JSON round trip
"""

from .advice import dollar_range
from .answers import (
    ALWAYS_STORED,
    ANSWERS_FORMAT,
    LOAD_DEFAULTS,
    AnswersError,
    IntakeAnswers,
    answers_from_dict,
    answers_to_dict,
    parse_budget,
)
from .conditions import Condition
from .content import (
    ChoiceText,
    ConditionalText,
    Content,
    CredentialContent,
    FocusContent,
    PathwayContent,
    Upgrade,
    WorryContent,
)
from .dates import example_start_date
from .loader import DEFAULT_CONTENT_PATH, form_choices, load_content, parse_content
from .model import (
    CredentialInfo,
    CredentialRecommendation,
    Milestone,
    NextStep,
    OutlookFigure,
    PathwayPlan,
    Roadmap,
    SpecialtyNote,
    StudyBlock,
    StudyPlan,
    WorryAnswer,
)
from .phrasing import country_key, spoken_list
from .rules import ASSOCIATE_THRESHOLD, build_roadmap
from .serialize import (
    ROADMAP_FORMAT,
    credential_codes_from_dict,
    roadmap_from_dict,
    roadmap_to_dict,
)
from .study_plan import WORRY_FOCUS_BOOST
from .toml_schema import ContentError
from .vocabulary import (
    APPRENTICE_OF,
    BUDGETS,
    CODING_CREDENTIALS,
    CPC_APPRENTICE,
    CREDENTIALS,
    EDUCATION_LEVELS,
    EXPERIENCE_KINDS,
    FIXED_CHOICES,
    HEALTHCARE_EXPERIENCE,
    LEARNING_FORMATS,
    MAX_CODING_MONTHS,
    MAX_EXPERIENCE_YEARS,
    MAX_HOURS_PER_WEEK,
    MILESTONE_KEYS,
    MIN_HOURS_PER_WEEK,
    OUTSIDE_US,
    PATHWAYS,
    PLACEHOLDERS,
    REASON_IDS,
    RETAKE_EXAMS,
    TARGET_SETTINGS,
    US_STATES,
)

__all__ = [
    "ALWAYS_STORED",
    "ANSWERS_FORMAT",
    "APPRENTICE_OF",
    "ASSOCIATE_THRESHOLD",
    "BUDGETS",
    "CODING_CREDENTIALS",
    "CPC_APPRENTICE",
    "CREDENTIALS",
    "DEFAULT_CONTENT_PATH",
    "EDUCATION_LEVELS",
    "EXPERIENCE_KINDS",
    "FIXED_CHOICES",
    "HEALTHCARE_EXPERIENCE",
    "LEARNING_FORMATS",
    "LOAD_DEFAULTS",
    "MAX_CODING_MONTHS",
    "MAX_EXPERIENCE_YEARS",
    "MAX_HOURS_PER_WEEK",
    "MILESTONE_KEYS",
    "MIN_HOURS_PER_WEEK",
    "OUTSIDE_US",
    "PATHWAYS",
    "PLACEHOLDERS",
    "REASON_IDS",
    "RETAKE_EXAMS",
    "ROADMAP_FORMAT",
    "TARGET_SETTINGS",
    "US_STATES",
    "WORRY_FOCUS_BOOST",
    "AnswersError",
    "ChoiceText",
    "Condition",
    "ConditionalText",
    "Content",
    "ContentError",
    "CredentialContent",
    "CredentialInfo",
    "CredentialRecommendation",
    "FocusContent",
    "IntakeAnswers",
    "Milestone",
    "NextStep",
    "OutlookFigure",
    "PathwayContent",
    "PathwayPlan",
    "Roadmap",
    "SpecialtyNote",
    "StudyBlock",
    "StudyPlan",
    "Upgrade",
    "WorryAnswer",
    "WorryContent",
    "answers_from_dict",
    "answers_to_dict",
    "build_roadmap",
    "country_key",
    "credential_codes_from_dict",
    "dollar_range",
    "example_start_date",
    "form_choices",
    "load_content",
    "parse_budget",
    "parse_content",
    "roadmap_from_dict",
    "roadmap_to_dict",
    "spoken_list",
]
