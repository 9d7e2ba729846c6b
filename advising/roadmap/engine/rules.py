"""The rules: intake answers + content -> a personalised roadmap.

Rules, in brief (details in the functions below):

Credential
    physician_office -> CPC; hospital -> CCA then CCS (straight to CCS after a year of
    coding at work: billing alone is not coding, and AHIMA recommends a year of it);
    payer -> CPC, CCA as alternative; remote -> CPC;
    undecided -> CPC as a provisional choice plus a side-by-side comparison of all
    credentials in the content file.

Pathway (certificate vs associate degree)
    A score is added up from ``_ASSOCIATE_SCORES`` (education, experience, setting,
    budget, employer help, goal keywords); ``score >= ASSOCIATE_THRESHOLD`` chooses the
    associate degree, unless it would put the first coding job more than
    ``feasible_max_weeks`` away at the person's hours; otherwise the certificate. Each
    factor that pushed towards the chosen pathway contributes a reason.

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
    exam_registration = max(program_start + 1, exam - registration_lead_weeks)
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
from collections.abc import Mapping, Sequence
from datetime import date

from .advice import (
    Schedule,
    apprentice_held,
    catalogue_info,
    choose_advice,
    coded_step,
    cost_estimate,
    credential_content,
    credential_year_pending,
    credited_hours,
    eligible,
    experience_credit,
    no_program,
    outpatient_to_inpatient,
    pathway_weeks,
    plan_route,
    schedule,
    second_credentials,
    steps_up_to_ccs,
    study_phases,
    weekly_hours,
)
from .answers import AnswersError, IntakeAnswers
from .conditions import Facts, holds
from .content import Content, CredentialContent, PathwayContent
from .model import (
    Advice,
    CredentialRecommendation,
    Milestone,
    NextStep,
    PathwayPlan,
    Roadmap,
    WhatIf,
    WorryAnswer,
)
from .phrasing import country_in_sentence, mid_sentence, spoken_list
from .study_plan import build_study_plan
from .vocabulary import (
    AHIMA_CREDENTIALS,
    CODING_CREDENTIALS,
    COMPARED_CREDENTIALS,
    FIXED_CHOICES,
    HELD_ROUTES,
    OUT_OF_WORK,
    SPECIALTY_CREDENTIALS,
)

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
        ("income_need", "now"): (-5, "pathway_income_soon"),  # no two years without pay
        ("income_need", "within_6_months"): (-3, "pathway_income_soon"),
    }
)
_EMPLOYER_PAYS_POINTS = 1
# Abroad, the degree US employers prefer is a US one, online at US tuition: rarely the way in.
_OUTSIDE_US_POINTS = -4
_LOW_HOURS = 10  # fewer than 10 h/week: named as a reason for the certificate, no points
_HIGH_HOURS = 20  # 20 h/week or more: named as a reason for the degree, no points
_ADVANCEMENT_POINTS = 2
_SPEED_POINTS = -3


# More credentials after the first than a coder would plan for at once: the plan says to add
# them one at a time.
LATER_CREDENTIALS_AT_ONCE = 3


def build_roadmap(answers: IntakeAnswers, content: Content) -> Roadmap:
    """Turn intake answers into a roadmap. Deterministic; dates derive from start_date."""
    for field, known in (("worries", content.worries), ("specialties", content.specialties)):
        for value in getattr(answers, field):
            if value not in known:
                raise AnswersError(field, f"{value!r} is not one of {', '.join(known)}")

    picks = _choose_credentials(answers, content)
    primary_key = picks[0][0]
    primary = credential_content(content, primary_key)
    route = plan_route(answers, primary_key)
    picks[0] = (primary_key, "primary", _route_reasons(route, picks[0][2]))
    pathway_key, pathway_reasons = _choose_pathway(answers, content, primary_key)
    pathway = content.pathways[pathway_key]
    if primary_key == "cca" and route == "train" and pathway_key == "associate_degree":
        # An HIM degree qualifies for AHIMA's RHIT, sat in the last term; it meets the CCS's
        # recommendation, so the CCA would add nothing and the CCS needs no year's wait.
        primary_key = "rhit"
        primary = credential_content(content, primary_key)
        route = plan_route(answers, primary_key)
        reasons = tuple("rhit_first" if r == "cca_requirements" else r for r in picks[0][2])
        picks[0] = (primary_key, "primary", reasons)
    facts = Facts(
        answers=answers,
        pathway=pathway_key,
        credential=primary_key,
        route=route,
        learns_inpatient=outpatient_to_inpatient(answers, primary_key),
    )

    # Durations and dates (see advice.schedule): experience credit, exam review inside the
    # program, term starts, the job search during training, business days.
    hours = answers.hours_per_week
    total_hours = pathway.designed_weeks * pathway.designed_hours_per_week
    plan = schedule(answers, content, primary_key, pathway_key)
    program_weeks, prep_weeks = plan.program_weeks, plan.prep_weeks
    credit = experience_credit(answers)

    next_key = next((k for k, role, _ in picks if role == "next"), None)
    ctx = _context(answers, content, primary, pathway)
    catalogue_primary = content.catalogue.credentials[primary_key]
    ctx.update(
        next_credential=content.credentials[next_key].info.code if next_key else "",
        total_hours=f"{total_hours:,}",
        program_weeks=str(program_weeks),
        program_months=f"{round(_months(program_weeks), 1):g}",
        program_end=_fmt_date(
            plan.dates.get("program_complete", plan.raw["program_start"]), content
        ),
        hours_after_credit=f"{credited_hours(total_hours, credit):,}",
        prep_weeks=str(prep_weeks),
        review_hours=f"{math.ceil(plan.review_hours):,}",
        **_code_years(plan.dates.get("exam"), catalogue_primary.body),
        # a credential already held has no exam; a working coder no first job to find
        exam_date=_fmt_date(plan.dates["exam"], content) if "exam" in plan.dates else "",
        first_job_date=(
            _fmt_date(plan.dates["first_job"], content) if "first_job" in plan.dates else ""
        ),
        start_date=_fmt_date(plan.dates["program_start"], content),
        coding_months=str(answers.coding_months),
        apprentice_months=str(plan.apprentice_months),
        experience_years=(
            "1 year" if answers.experience_years == 1 else f"{answers.experience_years} years"
        ),
        credit_percent=str(credit),
        exam_hours=f"{catalogue_primary.exam.hours:g}" if catalogue_primary.exam.hours else "",
        exam_sitting=content.phrases["exam_sitting"][catalogue_primary.exam.sitting or "unstated"],
        plan_years=f"{plan.total_weeks / 52:.1f}",
        months_to_first_job=str(round(_months(plan.total_weeks))),
        country=country_in_sentence(answers.country) if answers.country else "your country",
        # "You live in your country" says nothing: without a country, where they are not
        you_live=(
            content.phrases["you_live"]["country"].format(
                country=country_in_sentence(answers.country)
            )
            if answers.country.strip()
            else content.phrases["you_live"]["no_country"]
        ),
        # community colleges and US holidays are American: outside the US, say what applies
        local_college="a local college" if answers.outside_us else "a community college",
        local_colleges="local colleges" if answers.outside_us else "community colleges",
        holidays_note="" if answers.outside_us else ", avoid US federal holidays",
        held_credentials=spoken_list(
            [_held_code(answers, k, content) for k in answers.coding_credentials]
        ),
        # a CPC-A or COC-A held: as it is held, and the exam it passed
        apprentice_code=(
            _held_code(answers, apprentice, content)
            if (apprentice := apprentice_held(answers))
            else ""
        ),
        passed_exam=content.catalogue.credentials[apprentice].code if apprentice else "",
        retake_exam=(
            content.catalogue.credentials[answers.exam_retake].code if answers.exam_retake else ""
        ),
    )
    if "pathway_degree_too_long" in pathway_reasons:
        degree_weeks = degree_plan_weeks(answers, content, primary_key)
        ctx["degree_wait"] = (  # "about 37 months" just over three years, then in years
            f"about {math.ceil(_months(degree_weeks))} months"
            if degree_weeks < 4 * 52
            else f"about {degree_weeks / 52:.1f} years"
            if degree_weeks < 6 * 52
            else "more than six years"  # "20.8 years" is no figure to plan by
        )
    # a start given on a weekend or holiday: the plan starts on the next working day
    start_moved = plan.raw["program_start"] == answers.start_date != plan.dates["program_start"]
    if start_moved:
        ctx["given_start"] = _fmt_date(answers.start_date, content)
    if route in HELD_ROUTES:  # the credential they hold, as they hold it (a CPC-A)
        ctx["credential"] = _held_code(answers, primary_key, content)
    # A program that cannot be finished in under its minimum weeks, or a retake's review,
    # needs only so many hours a week: the whole plan speaks of those (the weekly plan and
    # the summary say the rest are the person's own).
    if route == "train" and program_weeks:
        needed = math.ceil(credited_hours(total_hours, credit) / program_weeks)
    elif route == "retake":  # a retake's review is so many hours, in at least so many weeks
        retake_hours = min(content.retake_prep_hours, primary.prep_hours)
        needed = math.ceil(retake_hours / prep_weeks)
    elif plan.review_hours and prep_weeks:  # an exam review, in at least so many weeks
        needed = math.ceil(plan.review_hours / prep_weeks)
    else:
        needed = answers.hours_per_week
    hours_capped = answers.hours_per_week - needed >= CAPPED_HOURS_WORTH_SAYING
    ctx["chosen_hours"] = ctx["weekly_hours"]
    if hours_capped:
        ctx["weekly_hours"] = weekly_hours(needed)

    def render(template: str, **extra: str) -> str:
        """``template`` filled from the context, with ``extra`` placeholders of its own."""
        return template.format_map(ctx | extra if extra else ctx)

    seconds = second_credentials(answers, content, primary_key, pathway_key)
    ctx["second_credential"] = ""  # each later credential's card names its own
    credentials = tuple(
        CredentialRecommendation(
            credential=credential_content(content, key).info,
            role=role,
            reasons=tuple(render(content.reasons[rid]) for rid in reason_ids),
        )
        for key, role, reason_ids in picks
    )
    later_credentials = tuple(
        CredentialRecommendation(
            credential=catalogue_info(content.catalogue.credentials[key]),
            role="next",
            reasons=(
                render(
                    content.advice[aid][1],
                    second_credential=content.catalogue.credentials[key].code,
                ),
            ),
        )
        for key, aid in seconds
        if key not in {k for k, _, _ in picks}
    )
    comparison = (
        tuple(content.credentials[k].info for k in COMPARED_CREDENTIALS)
        if answers.target_setting == "undecided"
        else ()
    )

    # the minimum sets the length when the hours left after the experience credit run out first
    clamped = math.ceil(credited_hours(total_hours, credit) / hours) < pathway.min_weeks
    formula = render(content.formula_min if clamped else content.formula) + (
        f" {render(content.formula_credit)}" if credit and not clamped else ""
    )
    if not program_weeks:  # what stands in for the program, in the formula's place
        formula = render(content.route_notes[route])
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
        hours_per_week=hours,  # what they said, still named as theirs
        duration_weeks=program_weeks,
        duration_months=round(_months(program_weeks), 1),
        formula=formula,
        # no program in the plan: nothing argues for one, or says how to choose it (the
        # formula says what stands in for it)
        reasons=tuple(render(content.reasons[rid]) for rid in pathway_reasons)
        if program_weeks
        else (),
        format_advice=render(content.format_advice[answers.learning_format])
        if program_weeks
        else "",
        where_to_look=tuple(render(t) for t in pathway.where_to_look) if program_weeks else (),
        checklist=tuple(render(t) for t in (pathway.accreditation, *content.checklist))
        if program_weeks
        else (),
    )

    # What more hours would change (feasibility and the "what if" figures): each row the
    # plan those hours would get (the pathway included: a degree may then fit), shown only
    # when it is sooner than the plan and than the row before it.
    rows: list[WhatIf] = []
    for h in content.what_if_hours:
        if h <= hours or route in HELD_ROUTES:  # no study to speed up
            continue
        faster = dataclasses.replace(answers, hours_per_week=h)
        alt = schedule(
            faster, content, primary_key, _choose_pathway(faster, content, primary_key)[0]
        )
        # sooner than the plan and than the row before (at more hours a degree may fit and
        # end later: no such row); an exam waiting for a coding year comes no sooner
        bar_job, bar_exam = (
            (rows[-1].first_job, rows[-1].exam)
            if rows
            else (plan.dates["first_job"], plan.dates["exam"])
        )
        sooner = alt.dates["first_job"] < bar_job or (
            alt.dates["first_job"] <= bar_job and alt.dates["exam"] < bar_exam
        )
        if sooner:
            rows.append(
                WhatIf(
                    hours_per_week=h,
                    exam=alt.dates["exam"],
                    first_job=alt.dates["first_job"],
                    total_weeks=alt.total_weeks,
                )
            )
    what_if = tuple(rows)
    if what_if:
        ctx["more_hours"] = str(what_if[0].hours_per_week)
        ctx["more_hours_first_job"] = _fmt_date(what_if[0].first_job, content)
        ctx["more_hours_exam"] = _fmt_date(what_if[0].exam, content)

    costs = cost_estimate(answers, content, primary_key, pathway_key, plan, ctx, render)
    advice_ids, feasibility_ids = choose_advice(
        answers, content, primary_key, pathway_key, plan, bool(what_if)
    )
    if len(later_credentials) > LATER_CREDENTIALS_AT_ONCE:
        # many areas picked: one credential at a time, as the work leads, not all of them
        ctx["later_codes"] = spoken_list([rec.credential.code for rec in later_credentials])
        advice_ids.append("later_one_at_a_time")

    def advice(aid: str) -> Advice:
        title, text = content.advice[aid]
        return Advice(key=aid, title=render(title), text=render(text))

    milestones_out: list[Milestone] = []
    # the catalogue's specialties say what a credential is relevant to; only these credentials
    # are an area's own (a CCS is no CDI credential)
    covered = set(SPECIALTY_CREDENTIALS.get(primary_key, ()))
    beyond = [k for k in answers.specialties if k not in covered]  # toward these
    for key in plan.order:
        extra: dict[str, str] = {}
        if answers.codes_now and (route, key) in content.route_coding_milestones:
            title, description = content.route_coding_milestones[(route, key)]
        elif (route, key) in content.route_milestones:
            title, description = content.route_milestones[(route, key)]
            if not answers.specialties:
                description = content.route_milestones_no_choice.get((route, key), description)
        elif key == "credential_upgrade":
            if steps_up_to_ccs(answers, primary_key):
                upgrade = primary.held_upgrade
            elif coded_step(answers, primary, route):
                upgrade = primary.coded_upgrade  # the coding year done: the CCS soon after
            else:
                upgrade = primary.upgrade
            assert upgrade is not None
            title, description = upgrade.title, upgrade.description
        elif key == "specialization":
            title, description = content.milestones["specialization"]
            if not answers.specialties:
                description = content.specialization_undecided
        elif key in content.coding_milestones and answers.codes_now:
            title, description = content.coding_milestones[key]
        elif key == "continuing_education":
            title, intro = content.milestones["continuing_education"]
            ceus = primary.ceu_description
            if (
                primary.info.body == "AHIMA"
                and route not in HELD_ROUTES
                and answers.holds & AHIMA_CREDENTIALS
            ):
                # a second AHIMA credential: no "first cycle" of its own, and more CEUs
                ceus = content.phrases["ahima_added_credential"]["text"]
            description = f"{intro} {ceus}"
        else:
            title, description = content.milestones[key]
        if key == "specialization" and answers.specialties:  # the areas they picked
            if beyond:  # toward those the first credential does not already cover
                extra["specialties"] = _areas(beyond, content)
            else:  # the CRC for risk adjustment
                description = content.specialization_covered
        added = [x.text for x in content.milestone_extras.get(key, ()) if holds(x.when, facts)]
        milestones_out.append(
            Milestone(
                key=key,
                date=plan.dates[key],
                title=render(title),
                description=render(" ".join([description, *added]), **extra),
            )
        )
    milestones = tuple(milestones_out)
    phases = study_phases(plan, content, catalogue_primary, render)

    # the weekly plan lays out the hours needed, and a note says the rest are their own
    study_facts = facts
    if hours_capped:
        study_facts = dataclasses.replace(
            facts, answers=dataclasses.replace(answers, hours_per_week=needed), capped=True
        )

    study_plan = build_study_plan(study_facts.answers, content, study_facts, render)
    worries = tuple(
        WorryAnswer(
            key=w.key,
            label=w.label,
            summary=render(next((x.text for x in w.summaries if holds(x.when, facts)), w.summary)),
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
        start_date=answers.start_date,
        summary=render(_summary_template(answers, content, route, plan))
        + (f" {render(content.start_moved)}" if start_moved else "")
        + (f" {render(content.hours_capped)}" if hours_capped else ""),
        credentials=credentials,
        comparison=comparison,
        pathway=pathway_plan,
        milestones=milestones,
        study_plan=study_plan,
        worries=worries,
        specialties=specialties,
        outlook=content.outlook,
        next_steps=next_steps,
        later_credentials=later_credentials,
        advice=tuple(advice(a) for a in advice_ids),
        feasibility=tuple(advice(a) for a in feasibility_ids),
        what_if=what_if,
        costs=costs,
        phases=phases,
    )


def _summary_template(a: IntakeAnswers, content: Content, route: str, plan: Schedule) -> str:
    """The opening summary's wording: the route's, in its variant for an exam that waits for
    a year of coding, or for a coder between jobs."""
    if route in content.route_summaries_waiting and plan.raw["program_start"] > a.start_date:
        return content.route_summaries_waiting[route]
    if route in content.route_summaries_not_coding and not a.codes_now:
        return content.route_summaries_not_coding[route]
    return content.route_summaries.get(route, content.summary)


def _choose_credentials(
    a: IntakeAnswers, content: Content
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(credential key, role, reason ids); the first entry is the primary credential."""
    experience = f"experience_{a.healthcare_experience}"
    online = ("online_exam",) if a.learning_format == "online" else ()
    setting = a.target_setting
    catalogue = content.catalogue.credentials
    ccs_recommended = catalogue["ccs"].eligibility.recommended
    flexible = setting in ("remote", "undecided") or (
        setting == "payer" and "risk_adjustment" not in a.specialties
    )
    retake = a.exam_retake
    if retake and (flexible or setting in catalogue[retake].settings):
        # an exam sat once, for work of this kind: finish it (the retake) before anything else
        own = setting in ("hospital", "physician_office") and retake in _SETTING_REASON
        picks = _first((retake, (_SETTING_REASON[retake], experience) if own else (experience,)))
        if retake == "ccs" and not a.coding_credentials and a.coding_months < 12:
            # the CCS is for experienced coders: the entry-level exam is the other way in
            picks.append(("cca", "alternative", ("ccs_retake_cca_alternative",)))
        return picks
    # a credential held that employers in this setting hire with: the plan builds on it
    fitting = [k for k in CODING_CREDENTIALS if k in a.holds and setting in catalogue[k].settings]
    if fitting and setting in ("physician_office", "hospital"):
        key = max(fitting, key=_FIT_RANK.index)
        ccs_ahead = key == "cca" or steps_up_to_ccs(a, key)
        if ccs_ahead and eligible(ccs_recommended, a, held=tuple(a.holds)):
            # a CCA, or a COC for inpatient work, with the year of coding the CCS asks for
            # goes on to the CCS exam
            return _first(("ccs", ("setting_hospital", experience)))
        picks = _first((key, (_SETTING_REASON.get(key, "holds_fits_target"),)))
        if key == "coc" and ccs_ahead:
            # hospital outpatient coding now; inpatient work is the CCS's, a year of coding on
            picks.append(("ccs", "next", ("ccs_after_outpatient_credential",)))
        return picks
    held = [k for k in _FLEXIBLE_ORDER if k in a.holds]
    if held and flexible:
        # these settings hire coders with any coding credential: build on the one held
        return _first((held[0], ("holds_fits_setting", experience)))
    if setting == "hospital" and "outpatient_surgery" in a.specialties:
        # same-day surgery is outpatient coding: AAPC's COC, not AHIMA's inpatient route
        return [
            ("coc", "primary", ("setting_hospital_outpatient", experience, "coc_apprentice")),
            ("cca", "alternative", ("hospital_inpatient_alternative",)),
        ]
    if setting == "physician_office":
        return [
            ("cpc", "primary", ("setting_physician_office", experience, "cpc_apprentice", *online))
        ]
    if setting == "hospital":
        if eligible(ccs_recommended, a, held=tuple(a.holds)):
            # (a credential held says it in its own advice, with the course it plans)
            direct = ("ccs_direct",) if no_program(a) and not a.coding_credentials else ()
            return _first(("ccs", ("setting_hospital", experience, *direct)))
        if no_program(a):
            # a year of coding, short of the two AHIMA recommends for the CCS on coding alone:
            # the CCA plus that year meets its recommendation, sooner than waiting for two
            return [
                ("cca", "primary", ("setting_hospital", experience, "cca_after_coding")),
                ("ccs", "next", ("ccs_after_cca_coded",)),
            ]
        if credential_year_pending(a, content, "ccs"):
            # another body's credential and coding now: the CCS once the year is reached
            return _first(("ccs", ("setting_hospital", experience, "ccs_after_coding_year")))
        return _first(("cca", ("setting_hospital", experience, "cca_requirements")))
    if setting == "payer" and "risk_adjustment" in a.specialties:
        return [("crc", "primary", ("setting_payer_crc", experience))]
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
        online = ("online_exam",) if a.learning_format != "in_person" else ()
        return [("cpc", "primary", ("setting_remote", experience, *online, "cpc_apprentice"))]
    return [("cpc", "primary", ("undecided_provisional", experience, "cpc_apprentice"))]


def _first(primary: tuple[str, tuple[str, ...]]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The primary credential's pick, followed by the CCS as the next step after a CCA."""
    key, reasons = primary
    after = [("ccs", "next", ("ccs_after_experience",))] if key == "cca" else []
    return [(key, "primary", reasons), *after]


#: Held credentials that fit a setting, least to most advanced: the most advanced one leads.
_FIT_RANK = ("cca", "coc", "ccs_p", "cpc", "cic", "ccs")
#: Held credentials a flexible setting (remote, payer, undecided) builds on, first preferred.
_FLEXIBLE_ORDER = ("cpc", "ccs", "cic", "ccs_p", "coc", "crc", "cca")
#: The setting's own reason for a first credential held there; others fit in their own words.
_SETTING_REASON = {
    "cpc": "setting_physician_office",
    "cca": "setting_hospital",
    "ccs": "setting_hospital",
}

#: The reason each route gives first; a credential already held drops the reasons about
#: sitting its exam.
_ROUTE_REASON = {
    "review_credential": "held_credential_review",
    "review_trained": "retake_elsewhere",
    "retake": "retake_reason",
    "apprentice": "holds_apprentice",
    "holder": "holds_credential",
    "holder_working": "holds_credential",
}
_EXAM_REASONS = frozenset({"online_exam", "ccs_direct"})
#: Reasons that speak of the training a program gives.
_TRAINING_REASONS = frozenset(
    {
        "experience_none",
        "experience_some",
        "experience_clinical",
        "experience_coding_billing",
        "cca_requirements",
        "cpc_apprentice",
        "coc_apprentice",
    }
)


def _route_reasons(route: str, reasons: tuple[str, ...]) -> tuple[str, ...]:
    """The primary credential's reasons, led by what the route builds on."""
    lead = _ROUTE_REASON.get(route)
    if route not in ("train", "review_coding"):  # they trained already, or hold it
        reasons = tuple(r for r in reasons if r not in _TRAINING_REASONS)
    if route == "review_coding":  # no training to finish Practicode alongside: the advice
        # on the apprentice stage says what their months of coding leave of it
        reasons = tuple(r for r in reasons if r not in ("cpc_apprentice", "coc_apprentice"))
    if route in HELD_ROUTES:
        reasons = tuple(r for r in reasons if r not in _EXAM_REASONS)
    return tuple(dict.fromkeys((lead, *reasons) if lead else reasons))


# "I don't want another degree", "no management", "a non-degree course": a keyword up to
# eight words after one of these, in the same clause, is what the person does not want
# ("can't wait to advance" is no negation, so "can't" is not in the list).
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|nor|neither|non|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|"
    r"isn'?t|shouldn'?t|rather not|avoid|instead of)\b(?:\W+\w+){0,8}?\W+$"
)


def _keyword_hit(text: str, keywords: tuple[str, ...]) -> bool:
    """Whether ``text`` asks for one of ``keywords`` (word starts), not counting a keyword
    said in the negative."""
    lowered = text.lower().replace("\u2019", "'")
    for keyword in keywords:
        for match in re.finditer(r"\b" + re.escape(keyword), lowered):
            clause = re.split(r"[.;!?,]|\b(?:but|and)\b", lowered[: match.start()])[-1]
            if not _NEGATION.search(clause):
                return True
    return False


#: Hours a week past what a program at its minimum length needs, from which the weekly plan
#: lays out only those (a few hours over is no plan to correct).
CAPPED_HOURS_WORTH_SAYING = 5


def degree_plan_weeks(a: IntakeAnswers, content: Content, credential: str) -> int:
    """Weeks from the start to a first coding job were the plan the associate degree: the
    term's start, the program, the exam and the job search (the program alone where no
    program is planned)."""
    if plan_route(a, credential) == "train":
        return schedule(a, content, credential, "associate_degree").total_weeks
    return pathway_weeks(a, content.pathways["associate_degree"])


def _choose_pathway(
    a: IntakeAnswers, content: Content, credential: str
) -> tuple[str, tuple[str, ...]]:
    """Score the associate degree against the certificate; return (key, reason ids)."""
    factors: list[tuple[int, str]] = []
    for field in ("education", "healthcare_experience", "target_setting", "budget", "income_need"):
        hit = _ASSOCIATE_SCORES.get((field, getattr(a, field)))
        if hit:
            factors.append(hit)
    if a.employer_may_pay:
        factors.append((_EMPLOYER_PAYS_POINTS, "pathway_employer_pays"))
    if a.outside_us:
        factors.append((_OUTSIDE_US_POINTS, "pathway_outside_us"))
    if _keyword_hit(a.goals, content.advancement_keywords):
        factors.append((_ADVANCEMENT_POINTS, "pathway_advancement_goal"))
    if _keyword_hit(a.goals, content.speed_keywords):
        factors.append((_SPEED_POINTS, "pathway_speed_goal"))
    score = sum(points for points, _ in factors)
    associate = score >= ASSOCIATE_THRESHOLD
    if associate and degree_plan_weeks(a, content, credential) > content.feasible_max_weeks:
        # A degree that puts a first coding job more than three years away is no plan: the
        # certificate now, the degree later. (The one place hours make the choice: with more
        # hours the degree fits, and the plan is the degree, longer by design.)
        associate = False
        factors.insert(0, (-1, "pathway_degree_too_long"))
    # Otherwise hours explain the choice but never make it: more hours a week must never
    # lengthen the plan (a degree chosen because someone has more time would end later).
    elif a.hours_per_week < _LOW_HOURS and not associate:
        factors.append((-1, "pathway_low_hours"))
    elif a.hours_per_week >= _HIGH_HOURS and associate:
        factors.append((1, "pathway_high_hours"))
    reasons = tuple(
        dict.fromkeys(rid for points, rid in factors if (points > 0) == associate and points)
    )
    if not reasons:
        reasons = ("pathway_default_associate" if associate else "pathway_default_certificate",)
    return ("associate_degree" if associate else "certificate"), reasons


def _code_years(exam: date | None, body: str) -> dict[str, str]:
    """The code-book year an exam is on ({code_year}) and the one before: a December AAPC
    exam sits just before January's move to the next year's sets."""
    if exam is None:
        return {"code_year": "", "prior_code_year": ""}
    year = exam.year + 1 if body == "AAPC" and exam.month == 12 else exam.year
    return {"code_year": str(year), "prior_code_year": str(year - 1)}


def _months(weeks: int) -> float:
    return weeks * 7 / 30.4375


def _fmt_date(d: date, content: Content) -> str:
    return content.date_format.format(
        day=d.day, month=content.month_names[d.month - 1], year=d.year
    )


def _held_code(a: IntakeAnswers, key: str, content: Content) -> str:
    """A held credential's code as the person holds it: a CPC-A is no CPC until AAPC removes
    the A, so it is never called one (it goes on a résumé); a COC-A likewise."""
    code = content.catalogue.credentials[key].code
    return f"{code}-A" if a.holds_apprentice(key) else code


def _areas(keys: Sequence[str], content: Content) -> str:
    """Specialties as a sentence names them: "auditing and compliance"."""
    return spoken_list([mid_sentence(content.specialties[k].label) for k in keys])


def _context(
    a: IntakeAnswers,
    content: Content,
    primary: CredentialContent,
    pathway: PathwayContent,
) -> dict[str, str]:
    phrase = {
        field: content.choice_text[field][getattr(a, field)].phrase for field in FIXED_CHOICES
    }
    phrases = content.phrases
    name = a.name.strip()
    return {
        "weekly_hours": weekly_hours(a.hours_per_week),
        "name": name,
        "first_name": name.split()[0],
        "email": a.email,
        "timezone": a.timezone,
        "current_work": a.current_work.strip() or content.fallback_current_work,
        # " (Pharmacy technician)" after a phrase that stands without it, or nothing
        "current_work_aside": f" ({a.current_work.strip()})" if a.current_work.strip() else "",
        # the work they named is behind someone laid off, not working or retired
        "your_work": phrases["your_work"][
            "out_of_work" if a.employment in OUT_OF_WORK else "working"
        ],
        # a healthcare or insurance employer may have billing or coding work; others do not
        "healthcare_work_ask": phrases["healthcare_work_ask"][
            "healthcare_employer" if a.employer_type in ("provider", "payer") else "other_employer"
        ],
        "cdi_team": phrases["cdi_team"][
            "at_work"
            if a.employment == "employed" and a.employer_type == "provider"
            else "elsewhere"
        ],
        **{
            name: phrases[name]["abroad" if a.outside_us else "in_us"]
            for name in ("chapter_contacts", "a_local_chapter", "chapter_meetings")
        },
        # claims work at an insurer is where a payer's paperwork moves, not a practice
        "paperwork_place": phrases["paperwork_place"][
            "insurer"
            if a.employer_type == "payer" or "payer_claims" in a.experience_kinds
            else "practice"
        ],
        # months coded before the plan come on top of its year in a coding job
        **{
            name: phrases[name]["coder" if a.coding_months else "new_coder"]
            for name in ("coding_behind", "coding_behind_that")
        },
        "financial_aid_too": (
            "" if a.student_aid == "no" else f" {phrases['financial_aid_too']['may_use_aid']}"
        ),
        # a coder already knows coding is open to them
        "cdi_coding_way": "" if no_program(a) else f" {phrases['cdi_coding_way']['new_to_coding']}",
        "hours_per_week": str(a.hours_per_week),
        "start_date": _fmt_date(a.start_date, content),
        "credential": primary.info.code,
        "credential_name": primary.info.name,
        "credential_body": primary.info.body,
        "upkeep_payment": content.upkeep_payment.get(primary.info.body, ""),
        "code_sets": primary.code_sets,
        "pathway": pathway.phrase,
        "designed_weeks": str(pathway.designed_weeks),
        "designed_hours_per_week": str(pathway.designed_hours_per_week),
        "min_weeks": str(pathway.min_weeks),
        "specialties": _areas(a.specialties, content) or content.no_specialties,
        **phrase,
    }
