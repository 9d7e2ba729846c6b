"""The rules: intake answers + content -> a personalised roadmap.

Rules, in brief (details in the functions below):

Credential
    physician_office -> CPC; hospital -> CCA then CCS (straight to CCS with coding or
    billing experience); payer -> CPC, CCA as alternative; remote -> CPC;
    undecided -> CPC as a provisional choice plus a side-by-side comparison of all
    credentials in the content file.

Pathway (certificate vs associate degree)
    A score is added up from ``_ASSOCIATE_SCORES`` (education, experience, setting,
    budget, employer help, hours, goal keywords); ``score >= ASSOCIATE_THRESHOLD``
    chooses the associate degree, otherwise the certificate. Each factor that pushed
    towards the chosen pathway contributes a reason.

Durations scaled by hours per week
    A pathway is described in the content file as designed for ``designed_weeks`` at
    ``designed_hours_per_week``. Its workload is ``total_hours = designed_weeks *
    designed_hours_per_week`` and the person's duration is::

        duration_weeks = max(min_weeks, ceil(total_hours / hours_per_week))

    Exam preparation is scaled the same way from the credential's ``prep_hours``::

        prep_weeks = max(timeline.min_prep_weeks, ceil(prep_hours / hours_per_week))

Milestones (all offsets in whole weeks, from the content file)
    program_start     = start_date
    program_complete  = start_date + duration_weeks
    exam              = program_complete + prep_weeks
    exam_registration = max(program_complete, exam - registration_lead_weeks)
    job_search        = exam + timeline.job_search_after_exam_weeks
    first_job         = job_search + timeline.job_search_weeks[healthcare_experience]
    credential_upgrade= first_job + upgrade.after_first_job_weeks   (if the credential has one)
    specialization    = first_job + timeline.specialize_after_first_job_weeks
    continuing_ed     = max(specialization, exam + ceu_cycle_weeks)  (cycle if known)
    Milestones are returned sorted by date (ties keep the order above).

The weekly study plan is in study_plan.py.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
from collections.abc import Mapping
from datetime import date, timedelta

from .answers import AnswersError, IntakeAnswers
from .conditions import Facts, holds
from .content import Content, CredentialContent, PathwayContent
from .model import (
    CredentialRecommendation,
    Milestone,
    NextStep,
    PathwayPlan,
    Roadmap,
    WorryAnswer,
)
from .study_plan import build_study_plan
from .vocabulary import FIXED_CHOICES

# Pathway score: positive points favour the associate degree, negative the certificate.
# (factor, value) -> (points, reason id). Hours and goal keywords are handled in code.
ASSOCIATE_THRESHOLD = 3
_ASSOCIATE_SCORES: Mapping[tuple[str, str], tuple[int, str]] = types.MappingProxyType(
    {
        ("education", "high_school"): (2, "pathway_high_school"),
        ("education", "some_college"): (1, "pathway_some_college"),
        ("education", "associate"): (-3, "pathway_has_degree"),
        ("education", "bachelor"): (-3, "pathway_has_degree"),
        ("education", "graduate"): (-3, "pathway_has_degree"),
        ("healthcare_experience", "none"): (1, "pathway_new_to_healthcare"),
        ("healthcare_experience", "clinical"): (-1, "pathway_clinical_experience"),
        ("healthcare_experience", "coding_billing"): (-2, "pathway_coding_experience"),
        ("target_setting", "hospital"): (1, "pathway_hospital"),
        ("target_setting", "undecided"): (1, "pathway_undecided"),
        ("target_setting", "physician_office"): (-1, "pathway_physician_office"),
        ("budget", "tight"): (-2, "pathway_budget_tight"),
        ("budget", "flexible"): (1, "pathway_budget_flexible"),
    }
)
_EMPLOYER_PAYS_POINTS = 1
_LOW_HOURS, _LOW_HOURS_POINTS = 10, -2  # fewer than 10 h/week
_HIGH_HOURS, _HIGH_HOURS_POINTS = 20, 1  # 20 h/week or more
_ADVANCEMENT_POINTS = 2
_SPEED_POINTS = -3


def build_roadmap(answers: IntakeAnswers, content: Content) -> Roadmap:
    """Turn intake answers into a roadmap. Deterministic; dates derive from start_date."""
    for field, known in (("worries", content.worries), ("specialties", content.specialties)):
        for value in getattr(answers, field):
            if value not in known:
                raise AnswersError(field, f"{value!r} is not one of {', '.join(known)}")

    picks = _choose_credentials(answers)
    primary_key = picks[0][0]
    primary = content.credentials[primary_key]
    pathway_key, pathway_reasons = _choose_pathway(answers, content)
    pathway = content.pathways[pathway_key]
    facts = Facts(answers=answers, pathway=pathway_key, credential=primary_key)

    # Durations scaled by hours per week (see module docstring).
    hours = answers.hours_per_week
    total_hours = pathway.designed_weeks * pathway.designed_hours_per_week
    program_weeks = max(pathway.min_weeks, math.ceil(total_hours / hours))
    prep_weeks = max(content.min_prep_weeks, math.ceil(primary.prep_hours / hours))

    start = answers.start_date
    program_end = start + timedelta(weeks=program_weeks)
    exam = program_end + timedelta(weeks=prep_weeks)
    registration = max(program_end, exam - timedelta(weeks=primary.registration_lead_weeks))
    job_search = exam + timedelta(weeks=content.job_search_after_exam_weeks)
    first_job = job_search + timedelta(
        weeks=content.job_search_weeks[answers.healthcare_experience]
    )
    specialization = first_job + timedelta(weeks=content.specialize_after_first_job_weeks)
    ceu = specialization
    if primary.ceu_cycle_weeks is not None:
        ceu = max(ceu, exam + timedelta(weeks=primary.ceu_cycle_weeks))

    next_key = next((k for k, role, _ in picks if role == "next"), None)
    ctx = _context(answers, content, primary, pathway)
    ctx.update(
        next_credential=content.credentials[next_key].info.code if next_key else "",
        total_hours=f"{total_hours:,}",
        program_weeks=str(program_weeks),
        program_months=str(round(_months(program_weeks))),
        program_end=_fmt_date(program_end, content),
        prep_weeks=str(prep_weeks),
        exam_date=_fmt_date(exam, content),
        first_job_date=_fmt_date(first_job, content),
    )

    def render(template: str) -> str:
        return template.format_map(ctx)

    credentials = tuple(
        CredentialRecommendation(
            credential=content.credentials[key].info,
            role=role,
            reasons=tuple(render(content.reasons[rid]) for rid in reason_ids),
        )
        for key, role, reason_ids in picks
    )
    comparison = (
        tuple(c.info for c in content.credentials.values())
        if answers.target_setting == "undecided"
        else ()
    )

    clamped = math.ceil(total_hours / hours) < pathway.min_weeks
    formula = content.formula_min if clamped else content.formula
    pathway_plan = PathwayPlan(
        key=pathway_key,
        name=pathway.name,
        typical_length=pathway.typical_length,
        summary=render(pathway.summary),
        covers=tuple(render(c) for c in pathway.covers),
        leads_to=render(pathway.leads_to),
        designed_weeks=pathway.designed_weeks,
        designed_hours_per_week=pathway.designed_hours_per_week,
        total_hours=total_hours,
        hours_per_week=hours,
        duration_weeks=program_weeks,
        duration_months=round(_months(program_weeks), 1),
        formula=render(formula),
        reasons=tuple(render(content.reasons[rid]) for rid in pathway_reasons),
        format_advice=render(content.format_advice[answers.learning_format]),
        where_to_look=tuple(render(t) for t in content.where_to_look),
        checklist=tuple(render(t) for t in content.checklist),
    )

    dated: list[tuple[str, date, str, str]] = []

    def add(key: str, when: date, title: str | None = None, description: str | None = None) -> None:
        t, d = content.milestones.get(key, ("", ""))
        dated.append((key, when, render(title or t), render(description or d)))

    add("program_start", start)
    add("program_complete", program_end)
    add("exam_registration", registration)
    add("exam", exam)
    add("job_search", job_search)
    add("first_job", first_job)
    if primary.upgrade is not None:
        up = primary.upgrade
        add(
            "credential_upgrade",
            first_job + timedelta(weeks=up.after_first_job_weeks),
            up.title,
            up.description,
        )
    spec_title, spec_description = content.milestones["specialization"]
    add(
        "specialization",
        specialization,
        spec_title,
        spec_description if answers.specialties else content.specialization_undecided,
    )
    ceu_title, ceu_intro = content.milestones["continuing_education"]
    add("continuing_education", ceu, ceu_title, f"{ceu_intro} {primary.ceu_description}")
    order = {key: i for i, (key, *_rest) in enumerate(dated)}
    milestones = tuple(
        Milestone(key=k, date=d, title=t, description=desc)
        for k, d, t, desc in sorted(dated, key=lambda m: (m[1], order[m[0]]))
    )

    study_plan = build_study_plan(answers, content, facts, render)
    worries = tuple(
        WorryAnswer(
            key=w.key,
            label=w.label,
            summary=render(w.summary),
            strategies=tuple(render(s) for s in w.strategies)
            + tuple(render(x.text) for x in w.extra if holds(x.when, facts)),
        )
        for w in (content.worries[k] for k in answers.worries)
    )
    specialties = tuple(
        dataclasses.replace(
            content.specialties[k], description=render(content.specialties[k].description)
        )
        for k in answers.specialties
    )
    final_key, final_title, final_description = content.final_step
    next_steps = (
        *(
            NextStep(key=key, title=render(title), description=render(description))
            for key, title, description, when in content.next_steps
            if holds(when, facts)
        ),
        NextStep(key=final_key, title=render(final_title), description=render(final_description)),
    )

    return Roadmap(
        content_version=content.version,
        name=answers.name.strip(),
        start_date=start,
        summary=render(content.summary),
        credentials=credentials,
        comparison=comparison,
        pathway=pathway_plan,
        milestones=milestones,
        study_plan=study_plan,
        worries=worries,
        specialties=specialties,
        outlook=content.outlook,
        next_steps=next_steps,
    )


def _choose_credentials(a: IntakeAnswers) -> list[tuple[str, str, tuple[str, ...]]]:
    """(credential key, role, reason ids); the first entry is the primary credential."""
    experience = f"experience_{a.healthcare_experience}"
    online = ("online_exam",) if a.learning_format == "online" else ()
    setting = a.target_setting
    if setting == "physician_office":
        return [
            ("cpc", "primary", ("setting_physician_office", experience, "cpc_apprentice", *online))
        ]
    if setting == "hospital":
        if a.healthcare_experience == "coding_billing":
            return [("ccs", "primary", ("setting_hospital", experience, "ccs_direct"))]
        return [
            ("cca", "primary", ("setting_hospital", experience, "cca_requirements")),
            ("ccs", "next", ("ccs_after_experience",)),
        ]
    if setting == "payer":
        specialty = (
            ("payer_specialty",) if {"risk_adjustment", "auditing"} & set(a.specialties) else ()
        )
        return [
            (
                "cpc",
                "primary",
                ("setting_payer", experience, *specialty, "cpc_apprentice", *online),
            ),
            ("cca", "alternative", ("payer_alternative_cca",)),
        ]
    if setting == "remote":
        return [("cpc", "primary", ("setting_remote", experience, "online_exam", "cpc_apprentice"))]
    return [("cpc", "primary", ("undecided_provisional", experience, "cpc_apprentice"))]


def _keyword_hit(text: str, keywords: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(re.search(r"\b" + re.escape(k), lowered) for k in keywords)


def _choose_pathway(a: IntakeAnswers, content: Content) -> tuple[str, tuple[str, ...]]:
    """Score the associate degree against the certificate; return (key, reason ids)."""
    factors: list[tuple[int, str]] = []
    for field in ("education", "healthcare_experience", "target_setting", "budget"):
        hit = _ASSOCIATE_SCORES.get((field, getattr(a, field)))
        if hit:
            factors.append(hit)
    if a.employer_may_pay:
        factors.append((_EMPLOYER_PAYS_POINTS, "pathway_employer_pays"))
    if a.hours_per_week < _LOW_HOURS:
        factors.append((_LOW_HOURS_POINTS, "pathway_low_hours"))
    elif a.hours_per_week >= _HIGH_HOURS:
        factors.append((_HIGH_HOURS_POINTS, "pathway_high_hours"))
    if _keyword_hit(a.goals, content.advancement_keywords):
        factors.append((_ADVANCEMENT_POINTS, "pathway_advancement_goal"))
    if _keyword_hit(a.goals, content.speed_keywords):
        factors.append((_SPEED_POINTS, "pathway_speed_goal"))
    score = sum(points for points, _ in factors)
    associate = score >= ASSOCIATE_THRESHOLD
    reasons = tuple(
        dict.fromkeys(rid for points, rid in factors if (points > 0) == associate and points)
    )
    if not reasons:
        reasons = ("pathway_default_associate" if associate else "pathway_default_certificate",)
    return ("associate_degree" if associate else "certificate"), reasons


def _months(weeks: int) -> float:
    return weeks * 7 / 30.4375


def _fmt_date(d: date, content: Content) -> str:
    return content.date_format.format(
        day=d.day, month=content.month_names[d.month - 1], year=d.year
    )


def _context(
    a: IntakeAnswers,
    content: Content,
    primary: CredentialContent,
    pathway: PathwayContent,
) -> dict[str, str]:
    phrase = {
        field: content.choice_text[field][getattr(a, field)].phrase for field in FIXED_CHOICES
    }
    specialty_labels = [content.specialties[k].label for k in a.specialties]
    name = a.name.strip()
    return {
        "name": name,
        "first_name": name.split()[0],
        "email": a.email,
        "timezone": a.timezone,
        "current_work": a.current_work.strip() or content.fallback_current_work,
        "hours_per_week": str(a.hours_per_week),
        "start_date": _fmt_date(a.start_date, content),
        "credential": primary.info.code,
        "credential_name": primary.info.name,
        "credential_body": primary.info.body,
        "code_sets": primary.code_sets,
        "pathway": pathway.phrase,
        "designed_weeks": str(pathway.designed_weeks),
        "designed_hours_per_week": str(pathway.designed_hours_per_week),
        "min_weeks": str(pathway.min_weeks),
        "specialties": ", ".join(specialty_labels) or content.no_specialties,
        **phrase,
    }
