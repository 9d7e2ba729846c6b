"""The credential catalogue (credentials.toml): every fact sourced and dated, unknown facts
listed rather than guessed, and a loader that refuses a broken file naming file, key and
reason. Plus `flask roadmap stale-facts`."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from advising.roadmap.engine import ContentError
from advising.roadmap.engine.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    load_catalogue,
    parse_catalogue,
)

REQUIRED = {
    "cpc", "coc", "cic", "crc", "cpma", "cpb", "cca", "ccs", "ccs_p", "rhit", "rhia", "cdip",
    "ccds", "ccc", "chonc",
}


def _raw() -> dict:
    return tomllib.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_the_shipped_catalogue_has_every_credential_of_the_issue_with_sources():
    catalogue = load_catalogue()
    assert set(catalogue.credentials) >= REQUIRED
    for c in catalogue.credentials.values():
        for part in (c, c.eligibility, c.exam, c.fees, c.upkeep):
            sourced = part.sourced
            assert sourced.source and sourced.checked_on >= date(2026, 11, 24), c.key
    assert {c.body for c in catalogue.credentials.values()} == {"AAPC", "AHIMA", "ACDIS"}


def test_facts_match_the_reference_notes():
    """CPC: 100 questions in 4 hours; CCS: about 107 questions, 4 hours, $299 members and
    $399 others; AHIMA coding credentials: 20 CEUs every two years (reference file)."""
    c = load_catalogue().credentials
    assert (c["cpc"].exam.questions, c["cpc"].exam.hours) == (100, 4)
    assert (c["ccs"].exam.questions, c["ccs"].fees.member, c["ccs"].fees.non_member) == (
        107, 299, 399,
    )
    assert (c["cca"].upkeep.ceus, c["cca"].upkeep.cycle_years) == (20, 2)
    assert c["cpc"].apprentice and c["coc"].apprentice and not c["crc"].apprentice


def test_unknown_facts_are_listed_not_invented():
    c = load_catalogue().credentials
    assert c["ccds"].exam.hours is None and "hours" in c["ccds"].exam.sourced.to_verify
    assert c["cdip"].fees.member is None and "member" in c["cdip"].fees.sourced.to_verify


def test_specialties_map_to_a_second_credential():
    by_specialty = {}
    for c in load_catalogue().credentials.values():
        for s in c.specialties:
            by_specialty.setdefault(s, set()).add(c.key)
    assert by_specialty["cardiology"] == {"ccc"}
    assert by_specialty["oncology"] == {"chonc"}
    assert {"crc", "cpma"} <= by_specialty["risk_adjustment"]
    assert {"cdip", "ccds"} <= by_specialty["cdi"]


def test_a_missing_required_fact_is_refused():
    raw = _raw()
    del raw["cpc"]["exam"]["questions"]
    with pytest.raises(ContentError) as excinfo:
        parse_catalogue(raw)
    assert str(excinfo.value) == (
        "credentials.toml: cpc.exam.questions is missing "
        "(give the fact with its source, or list it in to_verify)"
    )


def test_a_fact_without_a_source_is_refused():
    raw = _raw()
    del raw["ccs"]["fees"]["source"]
    with pytest.raises(ContentError, match=r"credentials.toml: ccs.fees.source is missing"):
        parse_catalogue(raw)


def test_a_rule_naming_an_unknown_credential_is_refused():
    raw = _raw()
    raw["ccs"]["eligibility"]["recommended"].append(["holds xyz"])
    with pytest.raises(ContentError) as excinfo:
        parse_catalogue(raw)
    assert "ccs.eligibility.recommended[10] names an unknown credential 'xyz'" in str(
        excinfo.value
    )


def test_an_unreadable_requirement_is_refused():
    raw = _raw()
    raw["cca"]["eligibility"]["required"] = [["be nice"]]
    with pytest.raises(ContentError, match="unknown requirement 'be nice'"):
        parse_catalogue(raw)


def test_stale_facts_are_those_checked_more_than_the_limit_ago():
    catalogue = load_catalogue()
    assert catalogue.stale_facts(date(2027, 11, 24)) == []
    stale = catalogue.stale_facts(date(2027, 11, 26))
    assert ("cpc.exam", date(2026, 11, 24)) in [(k, d) for k, d, _ in stale]
    assert all(d == date(2026, 11, 24) for _, d, _ in stale)
    assert len(catalogue.stale_facts(date(2026, 12, 3), older_than_days=0)) > len(stale)


def test_stale_facts_command_lists_old_facts(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["roadmap", "stale-facts", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert "cpc.exam" in result.output and "fact(s) checked more than 0 days ago." in result.output
    result = runner.invoke(args=["roadmap", "stale-facts"])
    assert result.output.strip().endswith("fact(s) checked more than 365 days ago.")


def test_where_an_exam_is_sat_agrees_with_its_format_and_a_made_up_place_is_refused():
    c = load_catalogue().credentials
    for cred in c.values():
        stated = cred.exam.format.lower()
        if cred.exam.sitting == "test_center":
            assert "test center" in stated and "online" not in stated, cred.key
        elif cred.exam.sitting == "online_or_in_person":
            assert "online" in stated or "remote" in stated, cred.key
        else:  # not said by the source: the plan asks rather than guesses
            assert "online" not in stated and "test center" not in stated, cred.key
    assert c["crc"].exam.sitting == ""
    raw = _raw()
    raw["cca"]["exam"]["sitting"] = "at home"
    with pytest.raises(ContentError, match=r"cca.exam.sitting 'at home' is not one of"):
        parse_catalogue(raw)
