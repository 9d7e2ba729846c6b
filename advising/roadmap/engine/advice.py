"""Roadmap 2.0 rules an experienced advisor applies, beside rules.py:

* eligibility rules from the credential catalogue (``eligible``);
* experience credit: prior clinical, billing or claims work shortens training
  (``experience_credit``); a year of coding at work replaces the program (exam review only);
* AAPC's apprentice stage shortened by coding at work (two years remove it);
* dates (``schedule``): degree programs start on terms; exam review sits inside the program
  (the exam follows ``min_prep_weeks`` after it); the job search starts
  ``job_search_before_end_weeks`` before training ends; every milestone moves to the next
  business day (no weekends, no US federal holidays) and after the previous milestone, in
  date order (ties in a fixed order), so that no two share a day. Every step is monotone:
  more hours or more experience never move a date later. Two exceptions, by design: coding
  that reaches the CCS's recommendation moves the plan on to the CCS it named as next (for
  a CCA held, or another body's credential held by someone coding now, whose CCS exam then
  waits for their year of coding, its review planned back from the exam, so more hours
  start that review later); and a degree the score recommends but that would put a first
  job over ``feasible_max_weeks`` away at fewer hours (or less experience credited) is the
  plan once it fits, in place of the certificate;
* second credentials from specialties and settings, the RHIT after an HIM degree;
* an itemised cost estimate against the budget, with fitting funding;
* realism and feasibility notes, and a phased study plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .answers import IntakeAnswers
from .catalogue import CatalogueCredential, public_source
from .content import Content, CredentialContent, PathwayContent, Upgrade
from .dates import next_business_day, next_term_start
from .model import Advice, CostEstimate, CostLine, CredentialInfo, StudyPhase
from .phrasing import country_key, is_uk, spoken_list
from .vocabulary import (
    AAPC_CREDENTIALS,
    AHIMA_CREDENTIALS,
    APPRENTICE_OF,
    CODING_CREDIT_MONTHS,
    DIAGNOSIS_ONLY_CREDENTIALS,
    HELD_ROUTES,
    HIM_DEGREES,
    NO_PROGRAM_CODING_MONTHS,
    OUTPATIENT_CREDENTIALS,
)

#: Percent fewer training hours per kind of prior work (capped), with at least a year of it.
_CREDIT = {
    "clinical": 15,
    "nursing": 15,
    "billing": 10,
    "payer_claims": 10,
    "front_office": 5,
    "coding": 20,
}
_CREDIT_CAP = 25
_WEEKS_PER_MONTH = 52 / 12

ORDER = (
    "program_start",
    "job_search",
    "program_complete",
    "exam_registration",
    "exam",
    "first_job",
    "credential_upgrade",
    "specialization",
    "continuing_education",
)


#: The share of a review's hours left to someone with two years of coding, or a credential
#: that tested procedure coding, before the CCS (a quarter less).
SHORTER_REVIEW = 0.75

#: A wait for the term this long is worth a head start (a terminology course).
TERM_WAIT_WORTH_USING = timedelta(weeks=6)


def weekly_hours(hours: float) -> str:
    """ "1 hour", "5 hours", "2.5 hours" (never "1 hours")."""
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def experience_credit(a: IntakeAnswers) -> int:
    """Percent fewer training hours for prior healthcare or insurance work."""
    kinds = set(a.experience_kinds)
    if a.coding_months >= CODING_CREDIT_MONTHS:
        kinds.add("coding")  # months coded at work count, whatever boxes were ticked
    elif a.experience_years < 1:
        return 0
    return min(_CREDIT_CAP, sum(_CREDIT.get(k, 0) for k in kinds))


def credential_content(content: Content, key: str) -> CredentialContent:
    """The content of a first credential; for a catalogue credential someone already holds
    (a CIC, a CCS-P), what a plan without its exam needs: its facts and how it is kept."""
    if key in content.credentials:
        return content.credentials[key]
    cat = content.catalogue.credentials[key]
    return CredentialContent(
        info=catalogue_info(cat),
        code_sets=f"the code sets the {cat.code} covers",
        prep_hours=0,
        registration_lead_weeks=0,
        test_window_days=None,
        ceu_cycle_weeks=None,
        ceu_description=cat.upkeep.text,
        upgrade=None,
    )


def outpatient_to_inpatient(a: IntakeAnswers, credential: str) -> bool:
    """Whether an inpatient exam is ahead of someone whose credentials never tested ICD-10-PCS
    (their review needs an inpatient course first)."""
    if credential not in ("cca", "ccs"):
        return False
    if not a.holds:  # trained for an outpatient exam and sat it: the same gap
        return a.exam_retake in OUTPATIENT_CREDENTIALS
    return bool(a.holds & OUTPATIENT_CREDENTIALS) and not (a.holds - OUTPATIENT_CREDENTIALS)


def apprentice_held(a: IntakeAnswers) -> str | None:
    """The credential someone holds in its apprentice stage ("cpc" for a CPC-A), if any."""
    return next((APPRENTICE_OF[k] for k in a.credentials_held if k in APPRENTICE_OF), None)


def codes_procedures(a: IntakeAnswers) -> bool:
    """Whether a credential held tested procedure coding too (the CRC tests diagnoses only)."""
    return bool(set(a.coding_credentials) - DIAGNOSIS_ONLY_CREDENTIALS)


def coded_step(a: IntakeAnswers, primary: CredentialContent, route: str) -> bool:
    """Whether the plan's step up needs no more coding (its year is done already: a coder's
    CCA and then the CCS), so it comes a review after the exam, in its own words."""
    return primary.coded_upgrade is not None and no_program(a) and route not in HELD_ROUTES


def steps_up_to_ccs(a: IntakeAnswers, credential: str) -> bool:
    """Whether a COC holder aiming at a hospital has the CCS ahead: the COC is hospital
    outpatient coding, inpatient work is the CCS's (same-day surgery is the COC's own)."""
    return (
        credential == "coc"
        and "coc" in a.holds
        and a.target_setting == "hospital"
        and "outpatient_surgery" not in a.specialties
    )


def held_upgrade(a: IntakeAnswers, content: Content, credential: str) -> Upgrade | None:
    """The step up from ``credential`` when it is already held: the CCA's CCS, or the COC's
    for inpatient work; a full CPC or COC has no A to remove."""
    primary = credential_content(content, credential)
    if steps_up_to_ccs(a, credential):
        return primary.held_upgrade
    if content.catalogue.credentials[credential].apprentice:
        return None
    return primary.upgrade


def no_program(a: IntakeAnswers) -> bool:
    return a.coding_months >= NO_PROGRAM_CODING_MONTHS


def plan_route(a: IntakeAnswers, credential: str) -> str:
    """How this person reaches ``credential`` (``vocabulary.ROUTES``): what they hold or have
    sat decides before their coding at work does."""
    if credential in a.holds:  # a CPC-A coding a year already is a working coder too
        # a year of coding and a coding job now; between jobs or retired, a job comes first
        working = no_program(a) and a.codes_now
        apprentice = a.holds_apprentice(credential)
        if apprentice and not working and a.coding_months < 24:
            return "apprentice"
        return "holder_working" if working else "holder"
    if a.exam_retake == credential:
        return "retake"
    if a.coding_credentials:
        return "review_credential"
    if a.exam_retake:  # trained and sat another exam: that training stands in for a program
        return "review_trained"
    if no_program(a):
        return "review_coding"
    return "train"


def _requirement_holds(req: str, a: IntakeAnswers, held: tuple[str, ...]) -> bool:
    if req in ("open", "high_school"):
        return True  # every education choice is at least a high school diploma
    if req == "coursework":
        return False  # not yet: training in the plan supplies it
    if req == "him_degree":
        return False
    if req.startswith("holds "):
        return req.split()[1] in held
    if req.startswith("coding_months >= "):
        return a.coding_months >= int(req.rsplit(" ", 1)[1])
    return False  # pragma: no cover (the loader refuses other requirements)


def eligible(rules: tuple[tuple[str, ...], ...], a: IntakeAnswers, held: tuple[str, ...]) -> bool:
    """Whether any alternative of ``rules`` holds today (no rules: nothing to check)."""
    return not rules or coding_months_missing(rules, a, held) == 0


def coding_months_missing(
    rules: tuple[tuple[str, ...], ...], a: IntakeAnswers, held: tuple[str, ...]
) -> int | None:
    """The fewest months of coding still needed before an alternative of ``rules`` holds,
    counting only alternatives whose other requirements hold today (0: one holds now; None:
    coding alone will not do it)."""
    missing = []
    for alternative in rules:
        other = [r for r in alternative if not r.startswith("coding_months >= ")]
        if all(_requirement_holds(r, a, held) for r in other):
            needed = [int(r.rsplit(" ", 1)[1]) for r in alternative if r not in other]
            missing.append(max([0, *(n - a.coding_months for n in needed)]))
    return min(missing, default=None)


def credential_year_pending(a: IntakeAnswers, content: Content, credential: str) -> int:
    """Months of coding a person who codes now and holds another body's coding credential
    still needs for ``credential``'s recommendation (the CPC plus a year for the CCS): the
    exam waits for them. 0 when nothing is pending."""
    if not (a.codes_now and a.coding_credentials):  # no coding job: no year accruing
        return 0
    rules = content.catalogue.credentials[credential].eligibility.recommended
    missing = coding_months_missing(rules, a, tuple(a.holds))
    return missing if missing is not None and missing <= NO_PROGRAM_CODING_MONTHS else 0


def pathway_weeks(a: IntakeAnswers, pathway: PathwayContent) -> int:
    """How many weeks ``pathway`` takes at the person's hours, their experience credited."""
    total = pathway.designed_weeks * pathway.designed_hours_per_week
    effective = credited_hours(total, experience_credit(a))
    return max(pathway.min_weeks, math.ceil(effective / a.hours_per_week))


@dataclass(frozen=True)
class Schedule:
    route: str  # vocabulary.ROUTES
    program_weeks: int
    prep_weeks: int
    apprentice_months: int
    raw: dict[str, date]  # before the business-day rule
    dates: dict[str, date]
    order: tuple[str, ...]  # the milestones present, in date order
    total_weeks: int  # start date -> first job
    practicode_upgrade: bool = False  # a year of coding + Practicode after the exam: the A off
    review_hours: float = 0  # an exam review's hours (no program): what its weeks must hold


def schedule(a: IntakeAnswers, content: Content, credential: str, pathway_key: str) -> Schedule:
    route = plan_route(a, credential)
    if route in HELD_ROUTES:
        return _held_schedule(a, content, credential, route)
    primary = content.credentials[credential]
    cat = content.catalogue.credentials[credential]
    pathway = content.pathways[pathway_key]
    hours = a.hours_per_week
    start = a.start_date
    week = timedelta(weeks=1)

    review_hours = 0.0
    if route == "retake":
        # The training is done and the exam sat once: timed practice on the weak sections
        # (never more hours than a first review), then the retake.
        program_weeks = 0
        program_start = program_end = start
        retake_hours = min(content.retake_prep_hours, primary.prep_hours)
        prep_weeks = max(content.retake_min_weeks, math.ceil(retake_hours / hours))
        exam = start + prep_weeks * week
    elif route != "train":
        program_weeks = 0
        program_start = start
        # Two years of coding, or a coding credential held (or another exam trained for) before
        # the CCS: a quarter less review (keeps the CCS, chosen at two years or at a year with
        # a credential, no later than the CCA a year before).
        factor = (
            SHORTER_REVIEW
            if a.coding_months >= 24
            or (credential == "ccs" and (codes_procedures(a) or a.exam_retake))
            else 1.0
        )
        review_hours = primary.prep_hours * factor
        if outpatient_to_inpatient(a, credential):
            review_hours += content.inpatient_course_hours  # ICD-10-PCS before the review
        prep_weeks = max(content.min_prep_weeks, math.ceil(review_hours / hours))
        # the exam waits for the year of coding its recommendation asks of a credential
        # holder; the review is planned back from it, so it ends at the exam
        pending = round(credential_year_pending(a, content, credential) * _WEEKS_PER_MONTH)
        exam = start + max(prep_weeks, pending) * week
        program_start = program_end = exam - prep_weeks * week
    else:
        program_weeks = pathway_weeks(a, pathway)
        program_start = (
            next_term_start(start, content.term_starts)
            if pathway_key == "associate_degree"
            else start
        )
        program_end = program_start + program_weeks * week
        prep_weeks = content.min_prep_weeks  # review sits inside the program's last weeks
        exam = program_end + prep_weeks * week
    # Registration leads the exam by the body's lead time, inside the program's last weeks
    # where that is where it falls (AHIMA's 120-day testing window, AAPC's scheduling).
    # (a review planned back from its exam: registered the usual weeks ahead, while coding)
    registration = max(
        (program_start if route == "train" else start) + week,
        exam - primary.registration_lead_weeks * week,
    )
    job_search = max(
        program_start + week,
        min(program_end, exam) - content.job_search_before_end_weeks * week,
    )
    first_job = (
        exam
        + (content.job_search_after_exam_weeks + content.job_search_weeks[a.healthcare_experience])
        * week
    )
    raw = {
        "program_start": program_start,
        "job_search": job_search,
        "exam_registration": registration,
        "exam": exam,
        "first_job": first_job,
    }
    if program_weeks:
        raw["program_complete"] = program_end
    apprentice_months = 0
    upgrade_at = first_job
    practicode = False
    if primary.upgrade is not None:
        coding_weeks = round(a.coding_months * _WEEKS_PER_MONTH)
        offset = max(0, primary.upgrade.after_first_job_weeks - coding_weeks)
        if cat.apprentice:
            # Two years of coding remove the A; one year plus a course (the program, or the
            # training before a first attempt) too.
            # (an HIM degree behind an RHIT or RHIA is such a course, and more)
            trained = route in ("train", "retake", "review_trained") or a.holds & HIM_DEGREES
            needed = 12 if trained else 24
            apprentice_months = max(0, needed - a.coding_months)
            offset = round(apprentice_months * _WEEKS_PER_MONTH)
            # a year of coding already and no course: AAPC's Practicode is the other year
            practicode = bool(apprentice_months) and a.coding_months >= 12
        if practicode:
            upgrade_at = exam + content.practicode_weeks * week
            raw["credential_upgrade"] = upgrade_at
        elif coded_step(a, primary, route):
            # the CCA plus the year of coding already done: the CCS exam follows its review
            # (the quarter off a credential held earns), at the person's hours
            ccs_hours = content.credentials["ccs"].prep_hours * SHORTER_REVIEW
            ccs_weeks = max(content.min_prep_weeks, math.ceil(ccs_hours / hours))
            # never later than a coder new to the work is told (a year into the first job):
            # more coding must not move the step later, even at a few hours a week
            year_in = first_job + primary.upgrade.after_first_job_weeks * week
            upgrade_at = min(exam + ccs_weeks * week, year_in)
            raw["credential_upgrade"] = upgrade_at
        elif offset > 0 or not cat.apprentice:
            # (the coding needed done already: the step comes with the first job; an A that
            # two years have removed has no step left, its advice says how it comes off)
            upgrade_at = _upgrade_date(a, start, first_job, offset)
            raw["credential_upgrade"] = upgrade_at
    specialization = max(first_job + content.specialize_after_first_job_weeks * week, upgrade_at)
    raw["specialization"] = specialization
    # the first CEU cycle closes on its own date, whatever else is planned by then
    raw["continuing_education"] = (
        exam + primary.ceu_cycle_weeks * week
        if primary.ceu_cycle_weeks is not None
        else specialization
    )

    dates = _working_days(raw, a)
    return Schedule(
        route=route,
        program_weeks=program_weeks,
        prep_weeks=prep_weeks,
        apprentice_months=apprentice_months,
        raw=raw | {"program_complete": program_end},
        dates=dates,
        order=tuple(dates),
        total_weeks=math.ceil((dates["first_job"] - start).days / 7),
        practicode_upgrade=practicode,
        review_hours=review_hours,
    )


def _upgrade_date(a: IntakeAnswers, start: date, first_job: date, weeks: int) -> date:
    """When ``weeks`` more of coding work are done: someone coding at work now keeps counting
    from the start (never before their coder-title target), anyone else (a coder between
    jobs included) from the first job."""
    if a.codes_now:
        return max(first_job, start + timedelta(weeks=weeks))
    return first_job + timedelta(weeks=weeks)


def _working_days(raw: dict[str, date], a: IntakeAnswers) -> dict[str, date]:
    """Each milestone on a business day after the one before it, in date order (ties in
    ``ORDER``), so that no two share a day."""
    dates: dict[str, date] = {}
    previous: date | None = None
    for key in sorted(raw, key=lambda k: (raw[k], ORDER.index(k))):
        day = raw[key] if previous is None else max(raw[key], previous + timedelta(days=1))
        day = next_business_day(day, us_holidays=not a.outside_us)
        dates[key] = previous = day
    return dates


def _held_schedule(a: IntakeAnswers, content: Content, credential: str, route: str) -> Schedule:
    """The plan of someone who already holds ``credential``: no program and no exam. A first
    step now, the CEU cycle checked, then (unless they have coded a year) the job search and
    first job, the CPC-A's A or the CCS (after a CCA, or a COC for inpatient work), and the
    next area."""
    upgrade = held_upgrade(a, content, credential)
    start = a.start_date
    week = timedelta(weeks=1)
    coding_weeks = round(a.coding_months * _WEEKS_PER_MONTH)
    raw = {
        "program_start": start,
        "continuing_education": start + content.held_ceu_check_weeks * week,
    }
    apprentice_months = 0
    if route == "holder_working":  # a certified coder already: their next area, soon
        raw["specialization"] = start + content.held_next_step_weeks * week
        if a.holds_apprentice(credential) and a.coding_months < 24:
            # a year of coding and Practicode make AAPC's two years: the A comes off with it
            apprentice_months = 24 - a.coding_months
            raw["credential_upgrade"] = start + content.practicode_weeks * week
        elif upgrade is not None:  # a CCA coding a year: the CCS now
            raw["credential_upgrade"] = start + content.held_next_step_weeks * week
    else:
        raw["job_search"] = start + week
        first_job = (
            start
            + (
                content.job_search_after_exam_weeks
                + content.job_search_weeks[a.healthcare_experience]
            )
            * week
        )
        raw["first_job"] = first_job
        offset = 0
        if route == "apprentice":
            # Practicode, the plan's first step, counts as one of AAPC's two years; coding
            # at work counts toward the other.
            apprentice_months = max(0, 12 - a.coding_months)
            offset = max(round(apprentice_months * _WEEKS_PER_MONTH), content.practicode_weeks)
        elif upgrade is not None:  # the CCA's or the COC's step to the CCS, a year in
            offset = max(0, upgrade.after_first_job_weeks - coding_weeks)
        upgrade_at = (
            start + offset * week  # a year coded already: Practicode alone takes the A off
            if route == "apprentice" and not apprentice_months
            else _upgrade_date(a, start, first_job, offset)
        )
        if offset or upgrade is not None:  # the year coded already: the step comes with the job
            raw["credential_upgrade"] = upgrade_at
        raw["specialization"] = max(
            first_job + max(0, content.specialize_after_first_job_weeks - coding_weeks) * week,
            upgrade_at,
        )
    dates = _working_days(raw, a)
    return Schedule(
        route=route,
        program_weeks=0,
        prep_weeks=0,
        apprentice_months=apprentice_months,
        raw=raw | {"program_complete": start},
        dates=dates,
        order=tuple(dates),
        total_weeks=(
            math.ceil((dates["first_job"] - start).days / 7) if "first_job" in dates else 0
        ),
    )


_EXAM_FACT_NAMES = {"questions": "number of questions", "hours": "length", "format": "format"}


def catalogue_info(c: CatalogueCredential) -> CredentialInfo:
    exam_parts = []
    if c.exam.questions:
        exam_parts.append(f"{c.exam.questions} questions")
    if c.exam.hours:
        exam_parts.append(weekly_hours(c.exam.hours))
    exam = ", ".join(exam_parts)
    # a format that opens with its own count ("100 multiple-choice questions in four hours")
    # already says both: "100 questions, 4 hours." before it said them twice
    if exam and not c.exam.format.lower().startswith(("about ", *"0123456789")):
        exam = f"{exam}. {c.exam.format}"
    else:
        exam = c.exam.format or exam
    exam = exam.strip()
    if exam and not exam.endswith("."):
        exam += "."
    if c.exam.sourced.to_verify:
        unknown = [_EXAM_FACT_NAMES.get(name, name) for name in c.exam.sourced.to_verify]
        exam += f" Confirm the current {spoken_list(unknown)} with {c.body} before you book."
    return CredentialInfo(
        key=c.key,
        code=c.code,
        name=c.name,
        body=c.body,
        fits=c.fits,
        eligibility=c.eligibility.text,
        exam=exam.strip(),
        upkeep=c.upkeep.text,
        source=public_source(c.sourced.source),
        checked_on=c.sourced.checked_on,
    )


def second_credentials(
    a: IntakeAnswers, content: Content, primary: str, pathway_key: str
) -> list[tuple[str, str]]:
    """(catalogue key, advice id) of each credential to earn after the first one."""
    found: list[tuple[str, str]] = []

    def add(key: str, aid: str) -> None:
        if key != primary and key not in a.holds and key not in {k for k, _ in found}:
            found.append((key, aid))

    if "risk_adjustment" in a.specialties:  # auditing it (the CPMA) only if auditing is picked
        add("crc", "second_risk_adjustment")
    if "auditing" in a.specialties:  # auditing roles ask for years of coding
        add("cpma", "second_auditing_ready" if a.coding_months >= 36 else "second_auditing")
    payer_bound = a.target_setting == "payer" or (
        a.target_setting == "remote"
        and (a.employer_type == "payer" or "payer_claims" in a.experience_kinds)
    )
    if payer_bound:  # insurers and risk-adjustment vendors hire CRCs
        add("crc", "second_payer_crc")
    if "nursing" in a.experience_kinds:  # an RN's route into CDI needs no coding credential
        add("ccds", "second_cdi_nurse")
    if "cdi" in a.specialties and "nursing" not in a.experience_kinds:  # an RN: the CCDS
        add("cdip", "second_cdi")
        add("ccds", "second_cdi")
    for specialty in a.specialties:
        for key, c in content.catalogue.credentials.items():
            if (
                specialty in c.specialties
                and c.body == "AAPC"
                and specialty not in ("risk_adjustment", "auditing", "cdi")
            ):
                add(key, "second_specialty")
    if pathway_key == "associate_degree" and plan_route(a, primary) == "train":
        add("rhit", "rhit_with_degree")
    if a.education in ("bachelor", "graduate") and a.target_setting == "hospital":
        # a post-baccalaureate HIM certificate qualifies for the RHIA: no second degree
        add("rhia", "rhia_with_bachelor")
    return found


def _fee_range(c: CatalogueCredential) -> tuple[int | None, int | None]:
    """An exam's fee from the member's to the non-member's (either alone when one is known)."""
    low = c.fees.member if c.fees.member is not None else c.fees.non_member
    high = c.fees.non_member if c.fees.non_member is not None else c.fees.member
    return low, high


def _dollars(amount: int) -> str:
    return f"{amount:,}"


def dollar_range(low: int | None, high: int | None) -> str:
    """Amounts as the roadmap words them: "$1,500", "$1,000 to $2,000", or "" for none."""
    if low is None or high is None:
        return ""
    return f"${low:,}" if low == high else f"${low:,} to ${high:,}"


def credited_hours(total_hours: int, credit_percent: int) -> int:
    """The program's hours left after the experience credit."""
    return math.ceil(total_hours * (100 - credit_percent) / 100)


def cost_estimate(
    a: IntakeAnswers,
    content: Content,
    primary: str,
    pathway_key: str,
    plan: Schedule,
    ctx: dict[str, str],
    render: Callable[[str], str],
) -> CostEstimate:
    cat = content.catalogue
    c = cat.credentials[primary]
    lines: list[CostLine] = []

    def item(key: str) -> None:
        cost = cat.costs[key]
        lines.append(
            CostLine(
                key,
                render(cost.label),
                cost.low,
                cost.high,
                render(cost.note),
                public_source(cost.sourced.source),
                cost.sourced.checked_on,
            )
        )

    if plan.program_weeks:
        item("certificate_program" if pathway_key == "certificate" else "associate_program")
    fee_low, fee_high = _fee_range(c)
    if c.fees.with_retake is not None and plan.route != "retake":
        fee_high = max(fee_high or 0, c.fees.with_retake)  # the package the worries advise
    # an AAPC exam package may include the retake: nothing, or the full fee when it did not
    included_retake = plan.route == "retake" and c.body == "AAPC" and fee_high is not None
    if plan.route not in HELD_ROUTES:  # a credential already held has no exam to pay for
        label, note = content.retake_fee if plan.route == "retake" else ("", "")
        lines.append(
            CostLine(
                "exam",
                render(label) if label else f"{c.code} exam fee",
                0 if included_retake else fee_low,
                fee_high,
                render(note) if note else c.fees.note,
                public_source(c.fees.sourced.source),
                c.fees.sourced.checked_on,
            )
        )
    held_step = plan.route in HELD_ROUTES and held_upgrade(a, content, primary) is not None
    # the CCS a review after a coder's CCA, or months into the job after the RHIT
    soon_step = coded_step(a, credential_content(content, primary), plan.route) or (
        plan.route not in HELD_ROUTES and primary == "rhit"
    )
    prices_step = "credential_upgrade" in plan.dates and (held_step or soon_step)
    if prices_step:
        # the CCA's, the COC's or the RHIT's step up is the CCS exam, and the plan dates it
        # soon: price it
        ccs = cat.credentials["ccs"]
        lines.append(
            CostLine(
                "next_exam",
                f"{ccs.code} exam fee, for your move up",
                *_fee_range(ccs),
                ccs.fees.note,
                public_source(ccs.fees.sourced.source),
                ccs.fees.sourced.checked_on,
            )
        )
    if c.body == "AAPC":
        item("aapc_membership")  # AAPC's dues keep any AAPC credential
    elif plan.route not in HELD_ROUTES:
        item("ahima_membership")  # optional: it lowers the exam fee
    if c.body != "AAPC" and a.holds & AAPC_CREDENTIALS:
        item("aapc_membership")  # AAPC's dues keep the AAPC credential already held
    if plan.route not in HELD_ROUTES:
        item("code_books")
        item("practice_exams")
    if plan.route == "apprentice" or plan.practicode_upgrade:  # the plan has it
        item("practicode")
    total_low = sum(line.low or 0 for line in lines)
    total_high = sum(line.high or 0 for line in lines)
    dues = next((line for line in lines if line.key == "ahima_membership"), None)
    # the AHIMA exams the plan prices (its own, and the CCS after a CCA), with both fees known
    ahima_exams = [
        x
        for x in ([c] if plan.route not in HELD_ROUTES else [])
        + ([cat.credentials["ccs"]] if prices_step else [])
        if x.body == "AHIMA" and x.fees.member is not None and x.fees.non_member is not None
    ]
    if dues is not None and ahima_exams:
        # AHIMA's membership is optional: a member pays the lower fees plus the dues, anyone
        # else the higher fees alone, never both the dues and the higher fees.
        member_fees = sum(x.fees.member or 0 for x in ahima_exams)
        other_fees = sum(x.fees.non_member or 0 for x in ahima_exams)
        paths = (member_fees + (dues.low or 0), other_fees)
        total_low += min(paths) - member_fees - (dues.low or 0)
        total_high += max(paths) - other_fees - (dues.high or 0)
    unpriced = tuple(line.label for line in lines if line.low is None)
    if not lines:
        verdict = "none"  # a credential held and kept: nothing in the plan to pay for
    elif a.budget_max is None:
        verdict = "unknown"
    elif total_low > a.budget_max:
        verdict = "nothing" if a.budget_max == 0 else "over"
    elif total_high > a.budget_max:
        verdict = "tight"
    else:
        verdict = "within"
    ctx.update(
        cost_low=_dollars(total_low),
        cost_high=_dollars(total_high),
        cost_range=dollar_range(total_low, total_high),
        budget_dollars=dollar_range(a.budget_min, a.budget_max),
    )
    funding_ids = []
    if not a.outside_us and plan.program_weeks:  # both pay for training programs
        if a.employment == "laid_off":
            funding_ids.append("funding_wioa")
        elif verdict == "nothing":  # WIOA's Adult program puts low-income adults first
            funding_ids.append("funding_wioa_adult")
        # a degree program is what federal aid is usually for, unless they said it is not;
        # with nothing to spend, a longer certificate may qualify too: worth the asking
        asks_aid = a.student_aid != "no" and (
            pathway_key == "associate_degree" or verdict == "nothing"
        )
        student = a.employment == "student" and a.student_aid != "no"  # "Not for this" holds
        if a.student_aid == "yes" or student or asks_aid:
            funding_ids.append("funding_fafsa")
    # Military benefits follow the service member, not the home address: families abroad on
    # orders use them too.
    if a.military == "veteran" and plan.program_weeks:  # approved programs, and the exam fee
        funding_ids.append("funding_gi_bill")
    elif a.military == "veteran" and plan.route not in HELD_ROUTES:  # no program: the fee
        funding_ids.append("funding_gi_bill_exam")
    elif a.military == "spouse" and plan.program_weeks:  # MyCAA pays approved schools
        funding_ids.append("funding_mycaa")
    if a.employer_may_pay and plan.program_weeks:  # tuition help is for a program
        funding_ids.append("funding_employer")
    elif (a.employer_may_pay or a.codes_now) and plan.route not in HELD_ROUTES:
        funding_ids.append("funding_employer_exam")  # no program: the exam fee is the ask
    if verdict in ("over", "nothing") and plan.program_weeks and c.key == "cpc":
        funding_ids.append("funding_self_study")  # AAPC asks for no training before the CPC
        # what that route costs, from the same lines: the exam and AAPC's membership
        least = sum(line.low or 0 for line in lines if line.key in ("exam", "aapc_membership"))
        ctx["self_study_cost"] = dollar_range(least, least)
    if plan.program_weeks and c.body == "AAPC":
        funding_ids.append("funding_student_membership")
    if plan.program_weeks:  # asked of programs
        funding_ids.append("funding_scholarships")
    if verdict == "nothing" and not funding_ids:
        verdict = "over"  # no funder to point to: the plain comparison
    title, text = content.advice[f"cost_{verdict}"]
    return CostEstimate(
        lines=tuple(lines),
        total_low=total_low,
        total_high=total_high,
        unpriced=unpriced,
        budget_min=a.budget_min,
        budget_max=a.budget_max,
        verdict=verdict,
        summary=render(text),
        # the unknown and none verdicts' titles are the section's own heading
        title="" if verdict in ("unknown", "none") else render(title),
        funding=tuple(
            Advice(aid, render(content.advice[aid][0]), render(content.advice[aid][1]))
            for aid in funding_ids
        ),
    )


#: What stands in for the training program, said first under "How we planned it".
_ROUTE_ADVICE = {
    "review_coding": "no_program",
    "review_credential": "held_credential_review",
    "review_trained": "trained_review",
    "retake": "retake_plan",
    "apprentice": "apprentice_practicode",
    "holder": "holder_plan",
    "holder_working": "holder_plan",
}


def code_year_change(body: str, exam: date) -> str | None:
    """The advice for an exam near the day its body moves to the new year's code books:
    AAPC's exams change each January (after a short blackout), AHIMA's required books in the
    spring (May 1 in 2026); None when the exam is not near either."""
    if body == "AAPC" and (exam.month == 1 or (exam.month == 12 and exam.day >= 15)):
        return "code_year_aapc"
    if body == "AHIMA" and (exam.month in (4, 5) or (exam.month == 3 and exam.day >= 15)):
        return "code_year_ahima"
    return None


#: Someone who needs an income soon is told plainly when coding pays later than this.
INCOME_GAP_WEEKS = 52


def choose_advice(
    a: IntakeAnswers,
    content: Content,
    primary: str,
    pathway_key: str,
    plan: Schedule,
    has_what_if: bool,
) -> tuple[list[str], list[str]]:
    """(advice ids, feasibility ids) that apply to this person, in reading order."""
    cat = content.catalogue.credentials[primary]
    route = plan.route
    held = route in HELD_ROUTES
    ids: list[str] = []
    if "nursing" in a.experience_kinds and not a.outside_us:
        ids.append("nurse_cdi")  # hospitals hire RNs into CDI: a second door, said first
    if route == "train":
        if experience_credit(a):  # said of the work that earned it
            coded = a.coding_months >= CODING_CREDIT_MONTHS
            ids.append(
                ("all_work_shortens" if coded else "prior_work_shortens")
                if a.experience_years
                else "coding_work_shortens"
            )
        ids.append("exam_prep_inside")
    elif not (route == "apprentice" and a.coding_months >= 12):
        # (an apprentice with a year coded hears it once, in apprentice_practicode_coded)
        ids.append(_ROUTE_ADVICE[route])
        if plan.raw["program_start"] > a.start_date:  # planned back from the exam's wait
            ids.append("review_after_coding_year")
    if outpatient_to_inpatient(a, primary) and route != "retake":
        # their credential, or the exam they trained for, never tested ICD-10-PCS
        if a.holds and not codes_procedures(a):
            ids.append("procedure_course")  # a CRC: no procedure coding of any kind yet
        else:
            ids.append("inpatient_course" if a.holds else "inpatient_course_trained")
    if apprentice_held(a) is not None:
        # two years of coding remove the A on their own; one year needs Practicode too
        if a.coding_months >= 24:
            ids.append("apprentice_remove_now")
        elif a.coding_months >= 12:
            ids.append("apprentice_practicode_coded")
        elif not a.holds_apprentice(primary):
            ids.append("apprentice_alongside")  # the plan is another credential; the A remains
    if a.holds & AHIMA_CREDENTIALS and cat.body == "AAPC":
        ids.append("ahima_upkeep_alongside")  # the AHIMA credential held needs its own upkeep
    if cat.apprentice and not held:
        if a.coding_months and plan.apprentice_months == 0:
            ids.append("apprentice_none")
        elif plan.practicode_upgrade:
            ids.append("apprentice_practicode_after_exam")
        elif a.coding_months:
            ids.append("apprentice_shortened")
    elif primary == "crc" and not held and apprentice_held(a) is None:
        ids.append("apprentice_not_named")
    ccs = content.catalogue.credentials["ccs"].eligibility.recommended
    if primary == "ccs" and not held and eligible(ccs, a, held=tuple(a.holds)):
        # met by a credential held, or by coding alone ("first credential")
        ids.append("ccs_recommendation_held" if a.coding_credentials else "ccs_recommendation_met")
    elif primary == "cca" and route != "holder_working" and not no_program(a):
        ids.append("ccs_recommendation_not_met")  # the CCS is the plan's next step, a year on
    if (
        plan.dates["program_start"] != a.start_date
        and route == "train"
        and pathway_key == "associate_degree"
    ):
        ids.append("term_start")
        if plan.dates["program_start"] - a.start_date >= TERM_WAIT_WORTH_USING:
            ids.append("term_wait")  # weeks free before the term: a head start
    if any(plan.dates[k] != plan.raw[k] for k in plan.order):
        ids.append("dates_adjusted")
    if not a.codes_now and not no_program(a):  # a coder, now or of a year, is no new coder
        if a.target_setting == "remote":
            ids.append("first_remote_hard")
        elif a.income_need in ("now", "within_6_months"):  # no remote wish to temper
            ids.append("entry_jobs_take_time")
    if a.income_need in ("now", "within_6_months") and a.coding_months == 0 and route == "train":
        # "while you train": a program's months; someone in work keeps the job that pays
        ids.append("keep_job_while_training" if a.employment == "employed" else "interim_jobs")
    if (
        a.employment == "employed"
        and a.employer_type in ("provider", "payer")
        and not held
        and not a.codes_now  # they moved into coding there already
    ):
        ids.append("move_at_employer")
    if a.employment == "retired":  # contract review work asks for a year or two of coding
        ids.append("retiree_contract_now" if a.coding_months >= 24 else "retiree_contract")
    if a.outside_us:
        ids.append("outside_us")
        if country_key(a.country) in ("canada", "ca"):
            ids.append("canada_code_sets")  # its hospitals code with their own classifications
        elif is_uk(a.country):
            ids.append("uk_code_sets")  # the NHS codes with ICD-10 and OPCS-4, trains its own
    if not held:
        exam_hours = content.catalogue.credentials[primary].exam.hours
        if not exam_hours:
            ids.append("practice_test_unknown")
        elif a.hours_per_week < exam_hours:  # a whole test is more than a week's study
            ids.append("practice_test_split")
        else:
            ids.append("practice_test_length")
        if (change := code_year_change(cat.body, plan.dates["exam"])) is not None:
            ids.append(change)  # the exam's code-book year turns near the exam date
    feasibility: list[str] = []
    if a.hours_per_week < content.feasible_min_hours and has_what_if and plan.program_weeks:
        feasibility.append("feasibility_low_hours")  # "training stretches over ..."
    elif a.hours_per_week < content.feasible_min_hours and has_what_if and not held:
        feasibility.append("feasibility_low_hours_review")  # a review, stretched as long
    elif plan.total_weeks > content.feasible_max_weeks and has_what_if:
        feasibility.append("feasibility_long_plan")
    if (
        a.income_need in ("now", "within_6_months")
        and plan.total_weeks > INCOME_GAP_WEEKS
        and not a.codes_now  # a coding job pays them already
    ):
        # said plainly, before the plan; a job they have is kept, not swapped for another
        employed = a.employment == "employed"
        gap = "feasibility_income_gap_employed" if employed else "feasibility_income_gap"
        feasibility.append(gap)
        for same in ("interim_jobs", "keep_job_while_training"):  # the same advice, said once
            if same in ids:
                ids.remove(same)
    return ids, feasibility


def study_phases(
    plan: Schedule, content: Content, cat: CatalogueCredential, render: Callable[[str], str]
) -> tuple[StudyPhase, ...]:
    """Foundations, coding practice, exam review: the program split 40/40/20 (no program:
    coding practice and review over the preparation weeks)."""
    if "exam" not in plan.dates:  # a credential already held: nothing to study toward
        return ()
    start = plan.dates["program_start"]
    exam = plan.dates["exam"]
    test_hours = cat.exam.hours or 0.0
    texts = content.phase_texts
    if plan.program_weeks:
        weeks = plan.program_weeks
        foundations = max(1, round(weeks * 0.4))
        practice = max(1, round(weeks * 0.4))
        spans = [("foundations", foundations), ("coding_practice", practice)]
    else:
        spans = [("coding_practice", max(1, (exam - start).days // 14))]
    phases: list[StudyPhase] = []
    cursor = start
    for key, w in spans:
        end = cursor + timedelta(weeks=w)
        phases.append(StudyPhase(key, texts[key][0], cursor, end, w, render(texts[key][1]), 0.0))
        cursor = end
    review_weeks = max(1, math.ceil((exam - cursor).days / 7))
    phases.append(
        StudyPhase(
            "exam_review",
            texts["exam_review"][0],
            cursor,
            exam,
            review_weeks,
            render(texts["exam_review"][1]),
            test_hours,
        )
    )
    return tuple(phases)
