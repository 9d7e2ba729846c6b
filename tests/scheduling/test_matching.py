"""'Any advisor' chooses by fit with the visitor's roadmap and says why."""

from __future__ import annotations

import re

from advising.scheduling.matching import Wants, fit, matched_words
from tests.factories import make_advisor
from tests.intake.helpers import make_intake
from tests.scheduling.test_booking_web import get_any_advisor_page

RISK = Wants(
    credentials=("CRC", "CPMA"),
    specialties=(("risk_adjustment", "Risk adjustment"),),
    setting="payer",
)


def test_credentials_specialties_and_setting_add_up():
    """A credential the roadmap recommends weighs most, then a chosen specialty, then the
    setting the advisor knows."""
    assert fit(["CRC", "risk adjustment"], RISK).score == 3 + 2 + 1
    assert fit(["CRC", "risk adjustment"], RISK).matched == ("CRC", "risk adjustment")
    assert fit(["Risk_Adjustment"], RISK).score == 2 + 1
    assert fit(["CCS", "CCA"], RISK).score == 0
    assert fit(["CPC"], Wants()).score == 0


def test_matched_words_read_as_a_sentence():
    assert matched_words(["CRC"]) == "CRC"
    assert matched_words(["CRC", "risk adjustment"]) == "CRC and risk adjustment"
    assert matched_words(["CPC", "CCS", "auditing"]) == "CPC, CCS and auditing"


def test_any_advisor_picks_the_advisor_who_fits_the_roadmap_and_says_why(client, ctx):
    """A payer-side person interested in risk adjustment goes to the risk-adjustment advisor,
    not to whoever is first in the alphabet or freest; the page names why and the others."""
    make_advisor(name="Aaron Inpatient", slug="aaron", specialties=["CCS", "CCA"])
    make_advisor(name="Maria Lopez", slug="maria", specialties=["CPC", "career change"])
    priya = make_advisor(name="Priya Raman", slug="priya", specialties=["risk adjustment", "CRC"])
    _intake, token = make_intake(
        target_setting="payer", specialties=("risk_adjustment",), hours_per_week=10
    )
    # the chosen advisor's page in one request, on the day of their first free time
    url = f"/book/any?intake={token}&tz=America/Chicago"
    response = get_any_advisor_page(client, url, priya, "America/Chicago")
    page = response.get_data(as_text=True)
    assert 'rel="canonical" href="http://127.0.0.1:5000/advisors/priya"' in page
    assert "/advisors/priya/book?start=" in page and f"intake={token}" in page
    assert "Why Priya Raman" in page and "Advises on" in page and "risk adjustment" in page
    assert "first free time" in page and "(Central Time)" in page
    assert "Other matches" in page and "Maria Lopez" in page and "Aaron Inpatient" in page
    # another zone, or a day, keeps the match and why (it came back as plain Priya's page)
    form = re.search(r'<form method="get" action="/advisors/priya"[^>]*>(.*?)</form>', page, re.S)
    assert '<input type="hidden" name="match" value="1">' in form.group(1)
    day_links = re.findall(r'<a class="day[^"]*" href="([^"]+)"', page)
    assert day_links and all("match=1" in link and link.endswith("#times") for link in day_links)
    again = client.get(f"/advisors/priya?intake={token}&match=1&tz=Asia/Kolkata")
    text = again.get_data(as_text=True)
    assert "Why Priya Raman" in text and "Other matches" in text and "(Asia/Kolkata)" in text


def test_what_the_roadmap_asks_follows_answers_kept_later(app, ctx):
    """The wants of a roadmap are kept per process, but per version of its answers: a kept
    "what if" with other specialties changes them at once."""
    from advising.intake import services as intakes
    from advising.scheduling.from_intake import wants_of
    from tests.intake.helpers import answers

    intake, token = make_intake(target_setting="payer", specialties=("risk_adjustment",))
    with app.test_request_context("/"):
        first = wants_of(token)
        assert wants_of(token) is first  # the second look is the kept one
        assert [key for key, _ in first.specialties] == ["risk_adjustment"]
    intakes.replace_answers(
        intake, answers(target_setting="hospital", specialties=("cardiology",)), token
    )
    with app.test_request_context("/"):
        changed = wants_of(token)
    assert [key for key, _ in changed.specialties] == ["cardiology"]
    assert changed.setting == "hospital" and changed != first


def test_the_credentials_asked_for_come_from_the_stored_roadmap_or_a_rebuilt_one(app, ctx):
    from advising.extensions import db
    from advising.intake import services as intakes
    from advising.scheduling.from_intake import wants_of

    intake, token = make_intake(target_setting="payer", specialties=("risk_adjustment",))
    roadmap = intakes.roadmap_of(intake)
    primary = next(r.credential.code for r in roadmap.credentials if r.role == "primary")
    with app.test_request_context("/"):
        stored = wants_of(token).credentials
    assert stored[0] == primary
    assert set(stored) >= {r.credential.code for r in roadmap.later_credentials}
    # A stored roadmap that no longer reads: the roadmap is rebuilt from the answers.
    intake.roadmap = {"roadmap_format": 1, "credentials": "damaged"}
    db.session.commit()
    assert intakes.credential_codes_of(intake) == stored
