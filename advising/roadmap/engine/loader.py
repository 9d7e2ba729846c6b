"""Reading content.toml: ``load_content`` reads the file, ``parse_content`` checks the
parsed TOML, one function per section of the file, and builds a ``Content``.

Every error is a ``ContentError`` naming the file and the dotted key.
"""

from __future__ import annotations

import re
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalogue import Catalogue, load_catalogue, public_source
from .conditions import Condition, parse_conditions
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
from .model import CredentialInfo, OutlookFigure, SpecialtyNote
from .toml_schema import FORMATTER, ContentError, Node
from .vocabulary import (
    ADVICE_IDS,
    CREDENTIALS,
    FIXED_CHOICES,
    HEALTHCARE_EXPERIENCE,
    LEARNING_FORMATS,
    MILESTONE_KEYS,
    PATHWAYS,
    PHRASE_CASES,
    REASON_IDS,
    ROUTES,
)

#: The content file sits in advising/roadmap/, next to this package.
DEFAULT_CONTENT_PATH = Path(__file__).resolve().parent.parent / "content.toml"

#: The top-level keys of the content file.
SECTIONS = (
    "content_version",
    "wording",
    "choices",
    "reasons",
    "credentials",
    "pathways",
    "pathway_choice",
    "timeline",
    "milestones",
    "study_plan",
    "worries",
    "specialties",
    "outlook",
    "next_steps",
    "final_step",
    "advice",
    "phases",
    "routes",
)

#: ``{condition field: allowed values}`` for the keys the content file itself defines.
ContentKeys = Mapping[str, tuple[str, ...]]


def load_content(
    path: str | Path | None = None, catalogue_path: str | Path | None = None
) -> Content:
    """Read and validate the content file (default: advising/roadmap/content.toml) and the
    credential catalogue (default: credentials.toml beside it)."""
    file = Path(path) if path is not None else DEFAULT_CONTENT_PATH
    source = file.name
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{source}: is not UTF-8 text ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{source}: is not valid TOML ({exc})") from exc
    return parse_content(raw, source=source, catalogue=load_catalogue(catalogue_path))


def form_choices(content: Content | None = None) -> Mapping[str, tuple[tuple[str, str], ...]]:
    """``{field: ((value, label), ...)}`` for every choice field of the intake form."""
    return (content or load_content()).choices


def parse_content(
    raw: Mapping[str, Any], *, source: str = "content.toml", catalogue: Catalogue | None = None
) -> Content:
    """Validate already-parsed TOML data (``load_content`` without the file)."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    top = Node(dict(raw), "", source)
    top.only(*SECTIONS)
    version = top.label("content_version")
    wording = _wording(top.table("wording"))
    choice_text = _choices(top.table("choices"))
    # Specialties and worry keys first: conditions may refer to them.
    specialties = _specialties(top.table("specialties"))
    worries_node = top.table("worries")
    if not worries_node.data:
        raise worries_node.fail(None, "must define at least one worry")
    content_keys: ContentKeys = {
        "pathway": PATHWAYS,
        "credential": CREDENTIALS,
        "route": ROUTES,
        "worry": tuple(worries_node.data),
        "specialty": tuple(specialties),
    }
    reasons = _reasons(top.table("reasons"))
    credentials = _credentials(top.table("credentials"))
    pathways = _pathways(top.table("pathways"))
    pathway_choice = _pathway_choice(top.table("pathway_choice"))
    timeline = _timeline(top.table("timeline"))
    milestones = _milestones(top.table("milestones"), content_keys)
    study_plan = _study_plan(top.table("study_plan"), content_keys)
    focus_keys = {f.key for f in study_plan["focus"]}
    worries = _worries(worries_node, focus_keys, content_keys)
    outlook = _outlook(top)
    next_steps = _next_steps(top, content_keys)
    final_step = _final_step(top.table("final_step"))
    advice = _advice(top.table("advice"))
    phases_node = top.table("phases")
    phases_node.only("foundations", "coding_practice", "exam_review")
    phase_texts = {}
    for key in ("foundations", "coding_practice", "exam_review"):
        entry = phases_node.table(key)
        entry.only("name", "description")
        phase_texts[key] = (entry.label("name"), entry.text("description"))

    routes = _routes(top.table("routes"))
    _check_catalogue(catalogue, specialties)

    choices = {
        field: tuple((value, text.label) for value, text in entries.items())
        for field, entries in choice_text.items()
    }
    choices["worries"] = tuple((k, w.label) for k, w in worries.items())
    choices["specialties"] = tuple((k, s.label) for k, s in specialties.items())
    return Content(
        version=version,
        source_name=source,
        choices=types.MappingProxyType(choices),
        choice_text=types.MappingProxyType(
            {f: types.MappingProxyType(v) for f, v in choice_text.items()}
        ),
        reasons=types.MappingProxyType(reasons),
        credentials=types.MappingProxyType(credentials),
        worries=types.MappingProxyType(worries),
        specialties=types.MappingProxyType(specialties),
        outlook=outlook,
        next_steps=next_steps,
        final_step=final_step,
        catalogue=catalogue,
        advice=types.MappingProxyType(advice),
        phase_texts=types.MappingProxyType(phase_texts),
        **routes,
        **wording,
        **pathways,
        **pathway_choice,
        **timeline,
        **milestones,
        **study_plan,
    )


def _check_catalogue(catalogue: Catalogue, specialties: Mapping[str, Any]) -> None:
    """The catalogue holds every credential the rules use and names real specialties."""
    for key in CREDENTIALS:
        if key not in catalogue.credentials:
            raise ContentError(f"credentials.toml: {key} is missing (the rules recommend it)")
    for key, credential in catalogue.credentials.items():
        for specialty in credential.specialties:
            if specialty not in specialties:
                raise ContentError(
                    f"credentials.toml: {key}.specialties {specialty!r} is not an intake "
                    f"specialty ({', '.join(specialties)})"
                )


# ---------------------------------------------------------------------------
# One function per section; those returning a dict give keyword arguments of Content.
# ---------------------------------------------------------------------------


def _wording(node: Node) -> dict[str, Any]:
    """[wording]: the summary, date format, month names and fallback phrases."""
    node.only(
        "summary",
        "start_moved",
        "hours_capped",
        "upkeep_payment",
        "phrases",
        "date_format",
        "month_names",
        "current_work_unknown",
        "no_specialties",
    )
    month_names = node.text_list("month_names", template=False)
    if len(month_names) != 12:
        raise node.fail("month_names", f"must list 12 months (got {len(month_names)})")
    date_format = node.label("date_format")
    for _, field, _, _ in FORMATTER.parse(date_format):
        if field is not None and field not in ("day", "month", "year"):
            raise node.fail("date_format", "may only use {day}, {month} and {year}")
    return {
        "month_names": month_names,
        "date_format": date_format,
        "fallback_current_work": node.label("current_work_unknown"),
        "no_specialties": node.label("no_specialties"),
        "summary": node.text("summary"),
        "start_moved": node.text("start_moved"),
        "hours_capped": node.text("hours_capped"),
        "upkeep_payment": _upkeep_payment(node.table("upkeep_payment")),
        "phrases": _phrases(node.table("phrases")),
    }


def _phrases(node: Node) -> Mapping[str, Mapping[str, str]]:
    """[wording.phrases]: each phrase the rules choose by case (``PHRASE_CASES``)."""
    node.only(*PHRASE_CASES)
    found = {}
    for phrase, cases in PHRASE_CASES.items():
        table = node.table(phrase)
        table.only(*cases)
        found[phrase] = types.MappingProxyType({case: table.text(case) for case in cases})
    return types.MappingProxyType(found)


def _upkeep_payment(node: Node) -> Mapping[str, str]:
    """[wording.upkeep_payment]: what keeps a credential besides CEUs, by certifying body."""
    node.only("AAPC", "AHIMA")
    return types.MappingProxyType({body: node.label(body) for body in ("AAPC", "AHIMA")})


def _choices(choices_node: Node) -> dict[str, dict[str, ChoiceText]]:
    """[choices]: a label and a phrase for every value of every fixed choice field."""
    choices_node.only(*FIXED_CHOICES)
    choice_text: dict[str, dict[str, ChoiceText]] = {}
    for field, allowed in FIXED_CHOICES.items():
        node = choices_node.table(field)
        for value in allowed:
            if not node.has(value):
                raise node.fail(value, "is missing (every value the engine uses needs a label)")
        node.only(*allowed)
        entries: dict[str, ChoiceText] = {}
        for value, entry in node.sub_tables():
            entry.only("label", "phrase")
            entries[value] = ChoiceText(label=entry.label("label"), phrase=entry.label("phrase"))
        choice_text[field] = entries
    return choice_text


def _specialties(node: Node) -> dict[str, SpecialtyNote]:
    """[specialties]: the specialties a visitor may pick, at least one."""
    specialties: dict[str, SpecialtyNote] = {}
    for key, entry in node.sub_tables():
        entry.only("label", "description")
        specialties[key] = SpecialtyNote(key, entry.label("label"), entry.text("description"))
    if not specialties:
        raise node.fail(None, "must define at least one specialty")
    return specialties


def _reasons(node: Node) -> dict[str, str]:
    """[reasons]: a sentence for every reason id the rules may pick."""
    node.only(*REASON_IDS)
    return {rid: node.text(rid) for rid in REASON_IDS}


def _credentials(node: Node) -> dict[str, CredentialContent]:
    """[credentials]: every credential the rules may recommend."""
    node.only(*CREDENTIALS)
    return {key: _credential(key, node.table(key)) for key in CREDENTIALS}


def _credential(key: str, node: Node) -> CredentialContent:
    node.only(
        "code",
        "name",
        "body",
        "fits",
        "eligibility",
        "exam",
        "upkeep",
        "source",
        "checked_on",
        "code_sets",
        "prep_hours",
        "registration_lead_weeks",
        "test_window_days",
        "ceu_cycle_weeks",
        "ceu_description",
        "upgrade",
        "held_upgrade",
        "coded_upgrade",
    )
    lead = node.integer("registration_lead_weeks")
    window = node.integer("test_window_days") if node.has("test_window_days") else None
    if window is not None and lead * 7 > window:
        raise node.fail(
            "registration_lead_weeks",
            f"({lead} weeks) must fit inside test_window_days ({window} days)",
        )
    upgrade, held_upgrade, coded_upgrade = (
        _upgrade(node.table(name)) if node.has(name) else None
        for name in ("upgrade", "held_upgrade", "coded_upgrade")
    )
    return CredentialContent(
        info=CredentialInfo(
            key=key,
            code=node.label("code"),
            name=node.label("name"),
            body=node.label("body"),
            fits=node.label("fits"),
            eligibility=node.label("eligibility"),
            exam=node.label("exam"),
            upkeep=node.label("upkeep"),
            source=public_source(node.label("source")),
            checked_on=node.date("checked_on"),
        ),
        code_sets=node.label("code_sets"),
        prep_hours=node.number("prep_hours"),
        registration_lead_weeks=lead,
        test_window_days=window,
        ceu_cycle_weeks=node.integer("ceu_cycle_weeks") if node.has("ceu_cycle_weeks") else None,
        ceu_description=node.text("ceu_description"),
        upgrade=upgrade,
        held_upgrade=held_upgrade,
        coded_upgrade=coded_upgrade,
    )


def _upgrade(node: Node) -> Upgrade:
    node.only("title", "description", "after_first_job_weeks")
    return Upgrade(
        title=node.text("title"),
        description=node.text("description"),
        after_first_job_weeks=node.integer("after_first_job_weeks"),
    )


def _pathways(node: Node) -> dict[str, Any]:
    """[pathways]: each pathway's design and the duration formula's wording."""
    node.only(*PATHWAYS, "formula", "formula_min", "formula_credit")
    return {
        "pathways": types.MappingProxyType(
            {key: _pathway(key, node.table(key)) for key in PATHWAYS}
        ),
        "formula": node.text("formula"),
        "formula_min": node.text("formula_min"),
        "formula_credit": node.text("formula_credit"),
    }


def _pathway(key: str, node: Node) -> PathwayContent:
    node.only(
        "name",
        "phrase",
        "typical_length",
        "summary",
        "covers",
        "leads_to",
        "designed_weeks",
        "designed_hours_per_week",
        "where_to_look",
        "accreditation",
        "min_weeks",
    )
    return PathwayContent(
        key=key,
        name=node.label("name"),
        phrase=node.label("phrase"),
        typical_length=node.label("typical_length"),
        summary=node.text("summary"),
        covers=node.text_list("covers"),
        leads_to=node.text("leads_to"),
        designed_weeks=node.integer("designed_weeks"),
        designed_hours_per_week=node.integer("designed_hours_per_week"),
        min_weeks=node.integer("min_weeks"),
        where_to_look=node.text_list("where_to_look"),
        accreditation=node.text("accreditation"),
    )


def _pathway_choice(node: Node) -> dict[str, Any]:
    """[pathway_choice]: goal keywords, format advice and where to look for a program."""
    node.only("advancement_keywords", "speed_keywords", "format_advice", "checklist")
    advice = node.table("format_advice")
    advice.only(*LEARNING_FORMATS)
    return {
        "format_advice": types.MappingProxyType({f: advice.text(f) for f in LEARNING_FORMATS}),
        "advancement_keywords": _keywords(node, "advancement_keywords"),
        "speed_keywords": _keywords(node, "speed_keywords"),
        "checklist": node.text_list("checklist"),
    }


def _keywords(node: Node, key: str) -> tuple[str, ...]:
    return tuple(k.lower() for k in node.text_list(key, template=False))


def _timeline(node: Node) -> dict[str, Any]:
    """[timeline]: the weeks between exam, job search, first job and specialising."""
    node.only(
        "min_prep_weeks",
        "job_search_after_exam_weeks",
        "job_search_weeks",
        "specialize_after_first_job_weeks",
        "job_search_before_end_weeks",
        "term_starts",
        "feasible_min_hours",
        "feasible_max_weeks",
        "what_if_hours",
        "retake_prep_hours",
        "retake_min_weeks",
        "held_ceu_check_weeks",
        "held_next_step_weeks",
        "practicode_weeks",
        "inpatient_course_hours",
    )
    terms = []
    for i, text in enumerate(node.text_list("term_starts", template=False)):
        match = re.fullmatch(r"(\d\d)-(\d\d)", text)
        if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 28):
            raise node.fail(f"term_starts[{i}]", f"must be a month-day like 08-24 (got {text!r})")
        terms.append((int(match[1]), int(match[2])))
    what_if = node.raw("what_if_hours")
    if not isinstance(what_if, list) or not all(
        isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in what_if
    ):
        raise node.fail("what_if_hours", "must be a list of whole numbers of hours")
    jsw = node.table("job_search_weeks")
    jsw.only(*HEALTHCARE_EXPERIENCE)
    return {
        "job_search_weeks": types.MappingProxyType(
            {exp: jsw.integer(exp) for exp in HEALTHCARE_EXPERIENCE}
        ),
        "min_prep_weeks": node.integer("min_prep_weeks"),
        "job_search_after_exam_weeks": node.integer("job_search_after_exam_weeks", minimum=0),
        "specialize_after_first_job_weeks": node.integer("specialize_after_first_job_weeks"),
        "job_search_before_end_weeks": node.integer("job_search_before_end_weeks"),
        "term_starts": tuple(sorted(terms)),
        "feasible_min_hours": node.integer("feasible_min_hours"),
        "feasible_max_weeks": node.integer("feasible_max_weeks"),
        "what_if_hours": tuple(what_if),
        "retake_prep_hours": node.integer("retake_prep_hours"),
        "retake_min_weeks": node.integer("retake_min_weeks"),
        "held_ceu_check_weeks": node.integer("held_ceu_check_weeks"),
        "held_next_step_weeks": node.integer("held_next_step_weeks"),
        "practicode_weeks": node.integer("practicode_weeks"),
        "inpatient_course_hours": node.integer("inpatient_course_hours"),
    }


def _milestones(node: Node, content_keys: ContentKeys) -> dict[str, Any]:
    """[milestones]: a title and description for every milestone the rules date, and
    sentences added to a description when their condition holds ([[milestones.X.extra]])."""
    node.only(*MILESTONE_KEYS)
    milestones: dict[str, tuple[str, str]] = {}
    specialization_undecided = specialization_covered = ""
    coding_milestones: dict[str, tuple[str, str]] = {}
    extras: dict[str, tuple[ConditionalText, ...]] = {}
    for key in MILESTONE_KEYS:
        entry = node.table(key)
        if key == "specialization":
            entry.only(
                "title", "description", "description_no_choice", "description_covered", "extra"
            )
            specialization_undecided = entry.text("description_no_choice")
            specialization_covered = entry.text("description_covered")
        elif key in ("first_job", "job_search"):
            entry.only("title", "description", "title_coding", "description_coding", "extra")
            coding_milestones[key] = (entry.text("title_coding"), entry.text("description_coding"))
        else:
            entry.only("title", "description", "extra")
        milestones[key] = (entry.text("title"), entry.text("description"))
        if entry.has("extra"):
            extras[key] = tuple(_conditional_text(n, content_keys) for n in entry.tables("extra"))
    return {
        "milestones": types.MappingProxyType(milestones),
        "specialization_undecided": specialization_undecided,
        "specialization_covered": specialization_covered,
        "coding_milestones": types.MappingProxyType(coding_milestones),
        "milestone_extras": types.MappingProxyType(extras),
    }


def _study_plan(node: Node, content_keys: ContentKeys) -> dict[str, Any]:
    """[study_plan]: study days in preference order, session limits, focus areas, notes."""
    node.only("days", "day_priority", "max_session_hours", "min_sessions", "focus", "notes")
    study_days = node.text_list("days", template=False)
    if len(set(study_days)) != len(study_days) or len(study_days) != 7:
        raise node.fail("days", "must name the seven days of the week once each, Monday first")
    day_priority = node.text_list("day_priority", template=False)
    for i, day in enumerate(day_priority):
        if day not in study_days:
            raise node.fail(f"day_priority[{i}]", f"{day!r} is not one of study_plan.days")
    if len(set(day_priority)) != len(day_priority):
        raise node.fail("day_priority", "must not repeat a day")
    return {
        "study_days": study_days,
        "day_priority": day_priority,
        "focus": _focus(node.table("focus"), content_keys),
        "study_notes": tuple(
            _conditional_text(entry, content_keys) for entry in node.tables("notes")
        ),
        "max_session_hours": node.number("max_session_hours", minimum=0.5, positive=False),
        "min_sessions": node.integer("min_sessions"),
    }


def _focus(node: Node, content_keys: ContentKeys) -> tuple[FocusContent, ...]:
    """[study_plan.focus]: the areas study time is split over, with their weights."""
    focus: list[FocusContent] = []
    for key, entry in node.sub_tables():
        entry.only(
            "label", "description", "weight", "weight_by_experience", "weight_by_route", "when"
        )
        weights: dict[str, dict[str, int]] = {}
        for table, allowed in (
            ("weight_by_experience", HEALTHCARE_EXPERIENCE),
            ("weight_by_route", ROUTES),
        ):
            weights[table] = {}
            if entry.has(table):
                sub = entry.table(table)
                sub.only(*allowed)
                weights[table] = {k: sub.integer(k, minimum=0) for k in sub.data}
        focus.append(
            FocusContent(
                key=key,
                label=entry.label("label"),
                description=entry.text("description"),
                weight=entry.integer("weight", minimum=0),
                weight_by_experience=types.MappingProxyType(weights["weight_by_experience"]),
                weight_by_route=types.MappingProxyType(weights["weight_by_route"]),
                when=parse_conditions(entry, "when", content_keys) if entry.has("when") else (),
            )
        )
    if not focus:
        raise node.fail(None, "must define at least one focus area")
    return tuple(focus)


def _worries(
    node: Node, focus_keys: set[str], content_keys: ContentKeys
) -> dict[str, WorryContent]:
    """[worries]: an answer to every worry a visitor may tick."""
    worries: dict[str, WorryContent] = {}
    for key, entry in node.sub_tables():
        entry.only(
            "label",
            "summary",
            "summaries",
            "strategies",
            "extra",
            "study_focus",
            "max_session_hours",
        )
        study_focus = entry.label("study_focus") if entry.has("study_focus") else None
        if study_focus is not None and study_focus not in focus_keys:
            raise entry.fail("study_focus", f"{study_focus!r} is not a study_plan.focus key")
        worries[key] = WorryContent(
            key=key,
            label=entry.label("label"),
            summary=entry.text("summary"),
            summaries=tuple(_conditional_text(n, content_keys) for n in entry.tables("summaries"))
            if entry.has("summaries")
            else (),
            strategies=entry.text_list("strategies", allow_empty=True),
            extra=tuple(_conditional_text(n, content_keys) for n in entry.tables("extra"))
            if entry.has("extra")
            else (),
            study_focus=study_focus,
            max_session_hours=entry.number("max_session_hours")
            if entry.has("max_session_hours")
            else None,
        )
    return worries


def _outlook(top: Node) -> tuple[OutlookFigure, ...]:
    """[[outlook]]: job-market figures, each with its source and year."""
    outlook: list[OutlookFigure] = []
    for node in top.tables("outlook"):
        node.only("key", "label", "value", "year", "source", "note")
        year = node.raw("year")
        if isinstance(year, int) and not isinstance(year, bool):
            year = str(year)
        if not isinstance(year, str) or not re.fullmatch(r"\d{4}(-\d{4})?", year):
            raise node.fail(
                "year", f'must be a year like 2022 or a span like "2021-2031" (got {year!r})'
            )
        outlook.append(
            OutlookFigure(
                key=node.label("key"),
                label=node.label("label"),
                value=node.label("value"),
                year=year,
                source=node.label("source"),
                note=node.label("note") if node.has("note") else "",
            )
        )
    if not outlook:
        raise top.fail("outlook", "must list at least one figure")
    return tuple(outlook)


def _next_steps(
    top: Node, content_keys: ContentKeys
) -> tuple[tuple[str, str, str, tuple[Condition, ...]], ...]:
    """[[next_steps]]: (key, title, description, conditions) for each optional step."""
    steps = []
    for node in top.tables("next_steps"):
        node.only("key", "title", "description", "when")
        when = parse_conditions(node, "when", content_keys) if node.has("when") else ()
        steps.append((node.label("key"), node.text("title"), node.text("description"), when))
    return tuple(steps)


def _advice(node: Node) -> dict[str, tuple[str, str]]:
    """[advice]: a title and a text for every piece of advice the rules may give."""
    node.only(*ADVICE_IDS)
    found = {}
    for aid in ADVICE_IDS:
        entry = node.table(aid)
        entry.only("title", "text")
        found[aid] = (entry.text("title"), entry.text("text"))
    return found


def _routes(node: Node) -> dict[str, Any]:
    """[routes]: for each way to a credential other than training (``ROUTES``), what stands
    in for the program (``note``), the roadmap's opening ``summary``, and milestone wording
    that replaces the usual one; [routes.retake] also words the retake's fee."""
    others = tuple(r for r in ROUTES if r != "train")
    node.only(*others)
    notes: dict[str, str] = {}
    summaries: dict[str, str] = {}
    waiting: dict[str, str] = {}
    not_coding: dict[str, str] = {}
    wording: dict[tuple[str, str], tuple[str, str]] = {}
    coding: dict[tuple[str, str], tuple[str, str]] = {}
    no_choice: dict[tuple[str, str], str] = {}
    retake_fee = ("", "")
    for route in others:
        entry = node.table(route)
        fee = ("fee_label", "fee_note") if route == "retake" else ()
        entry.only("note", "summary", "summary_waiting", "summary_not_coding", "milestones", *fee)
        notes[route] = entry.text("note")
        summaries[route] = entry.text("summary")
        if entry.has("summary_waiting"):  # the exam waits for a year of coding
            waiting[route] = entry.text("summary_waiting")
        if entry.has("summary_not_coding"):  # months of coding, but no coding job now
            not_coding[route] = entry.text("summary_not_coding")
        if entry.has("milestones"):
            milestones = entry.table("milestones")
            milestones.only(*MILESTONE_KEYS)
            for key in MILESTONE_KEYS:
                if milestones.has(key):
                    item = milestones.table(key)
                    item.only(
                        "title",
                        "description",
                        "description_no_choice",
                        "title_coding",
                        "description_coding",
                    )
                    if item.has("title") or not item.has("title_coding"):
                        wording[(route, key)] = (item.text("title"), item.text("description"))
                    if item.has("title_coding"):  # for someone who codes at work now
                        coding[(route, key)] = (
                            item.text("title_coding"),
                            item.text("description_coding"),
                        )
                    if item.has("description_no_choice"):  # no specialty picked
                        no_choice[(route, key)] = item.text("description_no_choice")
        if route == "retake":
            retake_fee = (entry.text("fee_label"), entry.text("fee_note"))
    return {
        "route_notes": types.MappingProxyType(notes),
        "route_summaries": types.MappingProxyType(summaries),
        "route_summaries_waiting": types.MappingProxyType(waiting),
        "route_summaries_not_coding": types.MappingProxyType(not_coding),
        "route_milestones": types.MappingProxyType(wording),
        "route_coding_milestones": types.MappingProxyType(coding),
        "route_milestones_no_choice": types.MappingProxyType(no_choice),
        "retake_fee": retake_fee,
    }


def _final_step(node: Node) -> tuple[str, str, str]:
    """[final_step]: the step every roadmap ends with (booking a consultation)."""
    node.only("key", "title", "description")
    return (node.label("key"), node.text("title"), node.text("description"))


def _conditional_text(node: Node, content_keys: ContentKeys) -> ConditionalText:
    node.only("when", "text")
    when = parse_conditions(node, "when", content_keys) if node.has("when") else ()
    return ConditionalText(when=when, text=node.text("text"))
