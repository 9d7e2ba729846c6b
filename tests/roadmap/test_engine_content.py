"""Roadmap engine, the content file: it loads, the package stays pure, errors name the key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from advising.roadmap.engine import (
    DEFAULT_CONTENT_PATH,
    FIXED_CHOICES,
    ContentError,
    build_roadmap,
    form_choices,
    load_content,
    parse_content,
)
from tests.roadmap.personas import (
    medical_assistant,
)

# ---------------------------------------------------------------------------
# Content file
# ---------------------------------------------------------------------------


def test_shipped_content_loads_with_version_and_form_choices(content):
    assert re.fullmatch(r"\S+", content.version)
    choices = form_choices(content)
    for field, values in FIXED_CHOICES.items():
        assert tuple(v for v, _ in choices[field]) == values
        assert all(label.strip() for _, label in choices[field])
    for field in ("worries", "specialties"):
        assert choices[field], field
    worry_values = {v for v, _ in choices["worries"]}
    assert {"work_family_balance", "exams", "cost", "motivation"} <= worry_values
    specialty_values = {v for v, _ in choices["specialties"]}
    assert {"risk_adjustment", "auditing", "oncology", "cardiology", "outpatient_surgery"} <= (
        specialty_values
    )
    assert content.labels("target_setting")["hospital"] == "Hospital"


# ---------------------------------------------------------------------------
# Content schema errors
# ---------------------------------------------------------------------------


SHIPPED = DEFAULT_CONTENT_PATH.read_text(encoding="utf-8")
SHIPPED_VERSION_LINE = f'content_version = "{tomllib.loads(SHIPPED)["content_version"]}"'


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    assert SHIPPED.count(old) == 1, old
    path = tmp_path / "content.toml"
    path.write_text(SHIPPED.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "prep_hours = 120\nregistration_lead_weeks = 6",
            "registration_lead_weeks = 6",
            "content.toml: credentials.cpc.prep_hours is missing",
        ),
        (
            "prep_hours = 120\nregistration_lead_weeks = 6",
            'prep_hours = "ten"\nregistration_lead_weeks = 6',
            "content.toml: credentials.cpc.prep_hours must be a number (got 'ten')",
        ),
        (
            SHIPPED_VERSION_LINE,
            "content_version = 3",
            "content.toml: content_version must be non-empty text",
        ),
        (  # the study calendar maps the days to Monday..Sunday by place
            'days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]',
            'days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]',
            "content.toml: study_plan.days must name the seven days of the week once each",
        ),
        (
            'checked_on = 2026-11-24\ncode_sets = "ICD-10-CM, CPT',
            'checked_on = "last week"\ncode_sets = "ICD-10-CM, CPT',
            "content.toml: credentials.cpc.checked_on must be a date",
        ),
        (
            'year = "2024-2034"\nsource = "U.S. Bureau of Labor Statistics',
            'year = "recently"\nsource = "U.S. Bureau of Labor Statistics',
            "content.toml: outlook[1].year must be a year",
        ),
        (
            'graduate = { label = "Graduate degree", phrase = "a graduate degree" }\n',
            "",
            "content.toml: choices.education.graduate is missing",
        ),
        (
            "designed_weeks = 26\n",
            "designed_weks = 26\n",
            "content.toml: pathways.certificate.designed_weks is not a known key",
        ),
        (
            'title = "Shortlist three programs"',
            'title = "Shortlist programs for {nickname}"',
            "content.toml: next_steps[4].title uses unknown placeholder {nickname}",
        ),
        (
            'when = ["budget = tight", "needs_program", "not nothing_to_spend"]\ntitle = "Price',
            'when = ["budget = cheap", "needs_program", "not nothing_to_spend"]\ntitle = "Price',
            "content.toml: next_steps[7].when condition 'budget = cheap'",
        ),
        (
            'study_focus = "review"',
            'study_focus = "yoga"',
            "content.toml: worries.motivation.study_focus 'yoga' is not a study_plan.focus key",
        ),
        (
            "registration_lead_weeks = 8\ntest_window_days = 120",
            "registration_lead_weeks = 20\ntest_window_days = 120",
            "content.toml: credentials.cca.registration_lead_weeks (20 weeks) must fit",
        ),
    ],
)
def test_content_schema_errors_name_the_key(tmp_path, old, new, message):
    with pytest.raises(ContentError) as excinfo:
        load_content(write_variant(tmp_path, old, new))
    assert str(excinfo.value).startswith(message), str(excinfo.value)


def test_content_errors_for_unreadable_files(tmp_path):
    with pytest.raises(ContentError, match=r"^nowhere\.toml: cannot be read"):
        load_content(tmp_path / "nowhere.toml")
    broken = tmp_path / "content.toml"
    broken.write_text("content_version = \n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^content\.toml: is not valid TOML"):
        load_content(broken)


def test_parse_content_checks_a_missing_section():
    raw = tomllib.loads(SHIPPED)
    del raw["reasons"]["ccs_direct"]
    with pytest.raises(ContentError, match=r"^content\.toml: reasons\.ccs_direct is missing$"):
        parse_content(raw)


def test_every_phrase_the_rules_choose_must_word_each_case():
    raw = tomllib.loads(SHIPPED)
    del raw["wording"]["phrases"]["cdi_team"]["elsewhere"]
    with pytest.raises(
        ContentError, match=r"^content\.toml: wording\.phrases\.cdi_team\.elsewhere is missing$"
    ):
        parse_content(raw)


def test_edited_wording_flows_into_the_roadmap(tmp_path):
    path = write_variant(
        tmp_path,
        SHIPPED_VERSION_LINE,
        'content_version = "2099-01-01.1"',
    )
    edited = load_content(path)
    roadmap = build_roadmap(medical_assistant(), edited)
    assert roadmap.content_version == "2099-01-01.1"


def test_each_credential_card_states_the_catalogues_exam_facts(content):
    """The cards (content.toml) and the catalogue (credentials.toml) that the plan's practice
    tests and costs come from tell one story: a card names the exam's length and question
    count where the catalogue knows them, and never sends the reader off to check them."""
    for key, card in content.credentials.items():
        exam = content.catalogue.credentials[key].exam
        text = card.info.exam
        if exam.hours:
            assert re.search(rf"\b{exam.hours:g} hours?\b", text), (key, text)
        if exam.questions:
            assert str(exam.questions) in text, (key, text)
        assert "to verify" not in text and "check AHIMA for the current format" not in text
        assert "check AHIMA's current eligibility" not in card.info.eligibility


def test_exam_facts_still_unconfirmed_are_worded_for_the_reader(content):
    from advising.roadmap.engine.advice import catalogue_info

    unconfirmed = [c for c in content.catalogue.credentials.values() if c.exam.sourced.to_verify]
    assert unconfirmed  # the CHONC's exam, for one
    for credential in unconfirmed:
        exam = catalogue_info(credential).exam
        assert "To verify" not in exam and "checked 20" not in exam, exam
        assert exam.endswith(f"with {credential.body} before you book.")
        assert "we have not" not in exam
        assert exam.startswith("Confirm") or ". Confirm" in exam  # a sentence of its own
