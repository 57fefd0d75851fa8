"""The shipped trees: every outcome is reachable by a known path and gives the expected
verdict, and the trees as a whole pass the checker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.profile import Profile
from workflows.trees import DecisionTree, Outcome, Question, Verdict, check_shipped_trees, load_all
from workflows.trees.model import ASK_VERDICTS

V = Verdict

# (tree, answers chosen in order, outcome reached, verdict). Every outcome of every
# shipped tree has a row: a new outcome without one fails test_table_covers_every_outcome.
PATHS: list[tuple[str, tuple[str, ...], str, Verdict]] = [
    # Can I share this?
    ("can-i-share", ("emergency",), "emergency-share", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("direct-care", "alive", "agreed-or-expected", "secure"), "dc-share", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("direct-care", "alive", "agreed-or-expected", "insecure"), "insecure-method-no", V.NO),
    ("can-i-share", ("direct-care", "alive", "agreed-or-expected", "not-sure"), "secure-method-ask", V.ASK_IG_TEAM),
    ("can-i-share", ("direct-care", "alive", "lacks-capacity"), "dc-best-interests", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("direct-care", "alive", "not-asked"), "dc-talk-first", V.INFO),
    ("can-i-share", ("direct-care", "alive", "objected", "no-serious-harm"), "dc-respect-objection", V.NO),
    ("can-i-share", ("direct-care", "alive", "objected", "not-sure"), "dc-objection-ask-cg", V.ASK_CALDICOTT_GUARDIAN),
    ("can-i-share", ("safeguarding", "not-immediate", "child"), "sg-child-share", V.YES_WITH_CONDITIONS),
    (
        "can-i-share",
        ("safeguarding", "not-immediate", "adult", "agrees"),
        "sg-adult-share-consent",
        V.YES_WITH_CONDITIONS,
    ),
    (
        "can-i-share",
        ("safeguarding", "not-immediate", "adult", "lacks-capacity"),
        "sg-adult-best-interests",
        V.YES_WITH_CONDITIONS,
    ),
    (
        "can-i-share",
        ("safeguarding", "not-immediate", "adult", "others-at-risk"),
        "sg-adult-share-without-consent",
        V.YES_WITH_CONDITIONS,
    ),
    (
        "can-i-share",
        ("safeguarding", "not-immediate", "adult", "refuses"),
        "sg-adult-refused-ask-cg",
        V.ASK_CALDICOTT_GUARDIAN,
    ),
    ("can-i-share", ("police", "alive", "court-order"), "police-court-order-ask", V.ASK_IG_TEAM),
    ("can-i-share", ("police", "alive", "written-request"), "police-written-request-ask", V.ASK_IG_TEAM),
    ("can-i-share", ("police", "alive", "informal"), "police-informal-no", V.NO),
    ("can-i-share", ("family", "died"), "deceased-ask-cg", V.ASK_CALDICOTT_GUARDIAN),
    ("can-i-share", ("family", "alive", "adult", "agreed"), "family-share-consent", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("family", "alive", "adult", "not-agreed"), "family-no-consent", V.NO),
    (
        "can-i-share",
        ("family", "alive", "adult", "lacks-capacity"),
        "family-capacity-ask-cg",
        V.ASK_CALDICOTT_GUARDIAN,
    ),
    (
        "can-i-share",
        ("family", "alive", "under-18", "not-competent", "has-parental-responsibility"),
        "family-parent-share",
        V.YES_WITH_CONDITIONS,
    ),
    (
        "can-i-share",
        ("family", "alive", "under-18", "not-competent", "no-parental-responsibility"),
        "family-no-parental-responsibility-no",
        V.NO,
    ),
    ("can-i-share", ("family", "alive", "under-18", "not-sure"), "family-child-ask-cg", V.ASK_CALDICOTT_GUARDIAN),
    (
        "can-i-share",
        ("other-organisation", "alive", "isa", "within-isa", "secure"),
        "org-share-isa",
        V.YES_WITH_CONDITIONS,
    ),
    ("can-i-share", ("other-organisation", "alive", "isa", "beyond-isa"), "org-beyond-isa-ask-dpo", V.ASK_DPO),
    ("can-i-share", ("other-organisation", "alive", "not-sure"), "org-isa-unsure-ask", V.ASK_IG_TEAM),
    (
        "can-i-share",
        ("other-organisation", "alive", "no-isa", "agreed", "secure"),
        "org-share-consent",
        V.YES_WITH_CONDITIONS,
    ),
    (
        "can-i-share",
        ("other-organisation", "alive", "no-isa", "not-agreed", "legal-duty"),
        "org-legal-duty-ask",
        V.ASK_IG_TEAM,
    ),
    ("can-i-share", ("other-organisation", "alive", "no-isa", "not-agreed", "none"), "org-no-basis-no", V.NO),
    (
        "can-i-share",
        ("other-organisation", "alive", "no-isa", "not-agreed", "not-sure"),
        "org-basis-unsure-ask",
        V.ASK_IG_TEAM,
    ),
    ("can-i-share", ("research-planning", "anonymous"), "rp-anonymous-check", V.ASK_IG_TEAM),
    ("can-i-share", ("research-planning", "identifiable", "agreed"), "rp-share-consent", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("research-planning", "identifiable", "not-agreed"), "rp-ndoo-ask", V.ASK_IG_TEAM),
    ("can-i-share", ("audit",), "audit-share", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("own-records",), "own-records-sar", V.ASK_IG_TEAM),
    ("can-i-share", ("police", "alive", "urgent-risk", "verified"), "police-urgent-share", V.YES_WITH_CONDITIONS),
    ("can-i-share", ("police", "alive", "urgent-risk", "not-verified"), "police-verify-first", V.NO),
    ("can-i-share", ("media",), "media-no", V.NO),
    ("can-i-share", ("other",), "other-ask-ig", V.ASK_IG_TEAM),
    # Can I use this device or app for work?
    ("device-or-app", ("work-device",), "work-device-yes", V.YES_WITH_CONDITIONS),
    ("device-or-app", ("own-device", "approved"), "own-device-approved-yes", V.YES_WITH_CONDITIONS),
    ("device-or-app", ("own-device", "not-approved"), "own-device-no", V.NO),
    ("device-or-app", ("own-device", "not-sure"), "own-device-ask", V.ASK_IG_TEAM),
    ("device-or-app", ("wifi", "home"), "home-wifi-yes", V.YES_WITH_CONDITIONS),
    ("device-or-app", ("wifi", "public"), "public-wifi-no", V.NO),
    ("device-or-app", ("usb", "approved"), "usb-approved-yes", V.YES_WITH_CONDITIONS),
    ("device-or-app", ("usb", "not-approved"), "usb-no", V.NO),
    ("device-or-app", ("personal-email",), "personal-email-no", V.NO),
    ("device-or-app", ("messaging", "personal-information"), "messaging-personal-no", V.NO),
    ("device-or-app", ("messaging", "service-users"), "messaging-service-users-ask", V.ASK_IG_TEAM),
    ("device-or-app", ("messaging", "no-personal-information"), "messaging-no-personal-yes", V.YES_WITH_CONDITIONS),
    ("device-or-app", ("new-app",), "new-app-ask", V.ASK_IG_TEAM),
    # Is this an incident?
    ("is-this-an-incident", ("wrong-recipient", "personal"), "disclosure-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("wrong-recipient", "nothing-personal"), "not-an-incident", V.INFO),
    ("is-this-an-incident", ("lost-or-stolen",), "loss-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("unauthorised-access",), "access-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("suspicious-email", "acted"), "phishing-acted-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("suspicious-email", "not-acted"), "phishing-not-acted", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("blagging",), "blagging-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("system",), "system-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("physical",), "physical-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("covert-recording",), "covert-recording-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("deliberate",), "deliberate-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("near-miss",), "near-miss-report", V.REPORT_INCIDENT),
    ("is-this-an-incident", ("not-sure",), "not-sure-ask", V.ASK_IG_TEAM),
    # How long do we keep this record?
    ("how-long-to-keep", ("adult",), "adult-8-years", V.INFO),
    ("how-long-to-keep", ("child", "under-17"), "child-until-25th-birthday", V.INFO),
    ("how-long-to-keep", ("child", "aged-17"), "child-until-26th-birthday", V.INFO),
    ("how-long-to-keep", ("child", "died"), "child-died-ask", V.ASK_IG_TEAM),
    ("how-long-to-keep", ("mental-health",), "mental-health-20-years", V.INFO),
    ("how-long-to-keep", ("maternity",), "maternity-25-years", V.INFO),
    ("how-long-to-keep", ("childrens-social-care",), "childrens-social-care-ask", V.ASK_IG_TEAM),
    ("how-long-to-keep", ("scotland",), "scotland-ask", V.ASK_IG_TEAM),
    ("how-long-to-keep", ("other",), "other-ask", V.ASK_IG_TEAM),
]


@pytest.fixture(scope="module")
def trees() -> dict[str, DecisionTree]:
    return load_all()


def outcome_after(tree: DecisionTree, answers: tuple[str, ...]) -> Outcome:
    reached = tree.step(answers)
    assert isinstance(reached, Outcome), f"{answers} stops at question {reached.id!r}, not an outcome"
    return reached


def every_path(tree: DecisionTree, answers: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Outcome]]:
    """Every walk through the tree from ``answers`` on, with the outcome it reaches."""
    node = tree.step(answers)
    if isinstance(node, Outcome):
        yield answers, node
        return
    for option in node.options:
        yield from every_path(tree, (*answers, option.id))


def test_the_four_trees_are_shipped(trees: dict[str, DecisionTree]) -> None:
    assert set(trees) == {"can-i-share", "device-or-app", "is-this-an-incident", "how-long-to-keep"}


def test_shipped_trees_pass_the_checker(profile: Profile) -> None:
    assert [str(problem) for problem in check_shipped_trees(profile)] == []


@pytest.mark.parametrize(
    ("tree_id", "answers", "outcome_id", "verdict"),
    PATHS,
    ids=[f"{tree_id}:{outcome_id}" for tree_id, _, outcome_id, _ in PATHS],
)
def test_path_reaches_outcome_with_verdict(
    trees: dict[str, DecisionTree], tree_id: str, answers: tuple[str, ...], outcome_id: str, verdict: Verdict
) -> None:
    outcome = outcome_after(trees[tree_id], answers)
    assert (outcome.id, outcome.verdict) == (outcome_id, verdict)


def test_table_covers_every_outcome(trees: dict[str, DecisionTree]) -> None:
    in_table = {(tree_id, outcome_id) for tree_id, _, outcome_id, _ in PATHS}
    shipped = {(tree.id, outcome_id) for tree in trees.values() for outcome_id in tree.outcomes}
    assert sorted(shipped - in_table) == [], "outcomes without a row in PATHS"
    assert sorted(in_table - shipped) == [], "rows in PATHS for outcomes that no longer exist"


def test_a_person_at_risk_never_meets_a_plain_no(trees: dict[str, DecisionTree]) -> None:
    # The duty to share is as important as the duty to protect confidentiality.
    can_i_share = trees["can-i-share"]
    for start in (("emergency",), ("safeguarding",)):
        for answers, outcome in every_path(can_i_share, start):
            assert outcome.verdict is not Verdict.NO, answers


@pytest.mark.parametrize(
    "answers",
    [
        ("direct-care", "alive", "objected", "serious-harm"),
        ("family", "alive", "adult", "risk-of-harm"),
        ("other-organisation", "alive", "no-isa", "not-agreed", "risk-of-harm"),
    ],
)
def test_a_risk_of_serious_harm_leads_into_safeguarding(
    trees: dict[str, DecisionTree], answers: tuple[str, ...]
) -> None:
    reached = trees["can-i-share"].step(answers)
    assert isinstance(reached, Question)
    assert reached.id == "sg-immediate-danger"


def test_police_asking_about_someone_at_risk_now_first_checks_the_caller(trees: dict[str, DecisionTree]) -> None:
    # Anyone can say they are the police on the phone: ring back through the switchboard or 101.
    reached = trees["can-i-share"].step(("police", "alive", "urgent-risk"))
    assert isinstance(reached, Question)
    assert reached.id == "police-verify-caller"
    assert "101" in reached.text + (reached.help or "")


def test_an_unchecked_caller_gets_nothing_yet_but_a_way_to_check(trees: dict[str, DecisionTree]) -> None:
    outcome = outcome_after(trees["can-i-share"], ("police", "alive", "urgent-risk", "not-verified"))
    assert outcome.verdict is not Verdict.YES_WITH_CONDITIONS
    text = " ".join((outcome.headline, *outcome.conditions))
    assert "switchboard" in text and "101" in text and "999" in text


def test_a_checked_caller_gets_the_minimum_and_the_decision_is_recorded(trees: dict[str, DecisionTree]) -> None:
    outcome = outcome_after(trees["can-i-share"], ("police", "alive", "urgent-risk", "verified"))
    text = " ".join((outcome.headline, *outcome.reasons, *outcome.conditions)).lower()
    assert "minimum" in text and "record" in text and "threat to life" in text


def test_a_client_asking_for_their_own_records_is_a_subject_access_request(trees: dict[str, DecisionTree]) -> None:
    outcome = outcome_after(trees["can-i-share"], ("own-records",))
    text = " ".join((outcome.headline, *outcome.reasons, *outcome.conditions)).lower()
    assert "subject access request" in text
    assert "one month" in text and "same day" in text and "spoken" in text


@pytest.mark.parametrize("start", ["direct-care", "police", "family", "other-organisation"])
def test_every_path_about_one_person_asks_whether_they_have_died(
    trees: dict[str, DecisionTree], start: str
) -> None:
    outcome = outcome_after(trees["can-i-share"], (start, "died"))
    assert outcome.id == "deceased-ask-cg"
    assert "Access to Health Records Act 1990" in " ".join(outcome.reasons)
    assert "ahra-1990" in {citation.ref for citation in outcome.citations}


def test_nobody_decides_alone_that_data_is_anonymous(trees: dict[str, DecisionTree]) -> None:
    # Small numbers can identify people: the IG team checks before anything leaves.
    outcome = outcome_after(trees["can-i-share"], ("research-planning", "anonymous"))
    assert outcome.verdict is Verdict.ASK_IG_TEAM
    assert "small numbers" in " ".join(outcome.reasons)


def test_audit_and_research_are_told_apart(trees: dict[str, DecisionTree]) -> None:
    audit = outcome_after(trees["can-i-share"], ("audit",))
    research = outcome_after(trees["can-i-share"], ("research-planning", "identifiable", "agreed"))
    assert "ethics" in " ".join((*research.reasons, *research.conditions))
    assert "audit" in audit.headline.lower()


def test_no_tree_cites_the_withdrawn_2018_information_sharing_advice(trees: dict[str, DecisionTree]) -> None:
    for tree in trees.values():
        for outcome in tree.outcomes.values():
            assert "info-sharing-2018" not in {citation.ref for citation in outcome.citations}, outcome.id


def test_every_yes_from_an_incident_leads_into_the_incident_report(trees: dict[str, DecisionTree]) -> None:
    for outcome in trees["is-this-an-incident"].outcomes.values():
        if outcome.verdict is Verdict.REPORT_INCIDENT:
            assert outcome.next_flow == "incident-report", outcome.id


def test_every_ask_outcome_says_how_to_reach_the_ig_team(trees: dict[str, DecisionTree]) -> None:
    for tree in trees.values():
        for outcome in tree.outcomes.values():
            if outcome.verdict in ASK_VERDICTS:
                text = " ".join((outcome.headline, *outcome.conditions))
                assert "{dp_email}" in text, f"{tree.id}: {outcome.id}"


def test_sharing_outcomes_ask_for_the_decision_to_be_recorded(trees: dict[str, DecisionTree]) -> None:
    # Golden rule 7: record the decision and the reasons, whether you share or not.
    for answers, outcome in every_path(trees["can-i-share"]):
        # "Not that way" is about the method, not a decision on whether to share.
        if outcome.verdict in (Verdict.YES_WITH_CONDITIONS, Verdict.NO) and outcome.id != "insecure-method-no":
            assert "record" in " ".join(outcome.conditions).lower(), f"{outcome.id} via {answers}"
