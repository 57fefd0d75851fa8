"""Something going wrong, told in any words, gets what to do now and the report button."""

from pathlib import Path

import pytest

from bot.core.conversation import start_action
from knowledge.entries import KnowledgeError, load_entries
from knowledge.mishaps import load_mishaps, with_incident_advice
from knowledge.retrieval import Answer, KnowledgeIndex

# (what a member of staff writes, the incident entry that should answer it). None of these
# says "incident", "breach" or "report".
MISHAPS = [
    ("I sent the referral to the wrong GP surgery", "disclosure-to-the-wrong-people"),
    ("information about a client went to the wrong organisation", "disclosure-to-the-wrong-people"),
    ("faxed a referral to the wrong number this morning", "disclosure-to-the-wrong-people"),
    ("a client overheard us discussing another client in reception", "disclosure-to-the-wrong-people"),
    ("a colleague walked off and left their laptop unlocked", "unlocked-unattended-device"),
    ("emailed the assessment to another client by mistake", "misdirected-email"),
    ("wrong attachment on the email to the housing officer", "misdirected-email"),
    ("I posted Mr B's appointment letter to his old address", "letter-sent-to-wrong-address"),
    ("oops cc'd all the clients on the group email", "email-cc-instead-of-bcc"),
    ("someone stole my work phone on the train", "lost-device-what-to-do"),
    ("left my laptop on the bus", "lost-device-what-to-do"),
    ("my bag with the day's client files was nicked", "lost-paper-records"),
    ("can't find my notebook with visit notes in it", "lost-paper-records"),
    ("I clicked the link in that parcel email and typed my password", "phishing-email"),
    ("think my work email has been hacked, it's sending spam", "hacking-or-account-compromise"),
]

NOT_MISHAPS = [
    "how do I avoid sending emails to the wrong person",
    "can I use my own phone for work",
    "how long do we keep adult records",
    "what is a subject access request",
    "where do I book annual leave",
]


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex.build(load_entries())


@pytest.mark.parametrize(("message", "entry_id"), MISHAPS)
def test_a_mishap_in_any_words_is_told_apart_by_its_kind(message: str, entry_id: str) -> None:
    assert load_mishaps().entry_id_for(message) == entry_id


@pytest.mark.parametrize(("message", "entry_id"), MISHAPS)
def test_a_mishap_in_any_words_is_answered_with_an_incident_entry(
    index: KnowledgeIndex, message: str, entry_id: str
) -> None:
    entries = {entry.id: entry for entry in index.entries}
    answer = with_incident_advice(message, index.ask(message), mishaps=load_mishaps(), entries=entries)
    assert answer.answered and answer.entry is not None
    assert "incidents" in answer.entry.tags


@pytest.mark.parametrize("message", NOT_MISHAPS)
def test_a_question_that_tells_of_no_mishap_is_left_to_the_search(message: str) -> None:
    assert load_mishaps().entry_id_for(message) is None


def test_the_search_s_own_answer_stays_reachable_as_a_related_entry(index: KnowledgeIndex) -> None:
    entries = {entry.id: entry for entry in index.entries}
    opt_out = entries["national-data-opt-out"]
    searched = Answer(answered=True, entry=opt_out, score=0.9)
    answer = with_incident_advice("the client's details went to the wrong organisation", searched,
                                  mishaps=load_mishaps(), entries=entries)
    assert answer.entry is not None and answer.entry.id == "disclosure-to-the-wrong-people"
    assert opt_out in answer.related


def test_an_incident_entry_found_by_the_search_stands(index: KnowledgeIndex) -> None:
    entries = {entry.id: entry for entry in index.entries}
    found = Answer(answered=True, entry=entries["lost-paper-records"], score=0.9)
    assert with_incident_advice("I left my laptop and the files on the bus", found, mishaps=load_mishaps(),
                                entries=entries) is found


def test_a_decline_gives_way_to_the_incident_advice(index: KnowledgeIndex) -> None:
    entries = {entry.id: entry for entry in index.entries}
    declined = Answer(answered=False, entry=None, score=0.2)
    answer = with_incident_advice("the letter went to the wrong house", declined, mishaps=load_mishaps(),
                                  entries=entries)
    assert answer.answered and answer.entry is not None and answer.entry.id == "letter-sent-to-wrong-address"


def test_every_mishap_kind_answers_with_a_shipped_incident_entry() -> None:
    entries = {entry.id: entry for entry in load_entries()}
    assert load_mishaps().check(entries) == []


def test_a_bad_pattern_is_named(tmp_path: Path) -> None:
    path = tmp_path / "mishaps.yaml"
    path.write_text("kinds:\n  - entry: misdirected-email\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unclosed"):
        load_mishaps(path)


@pytest.mark.parametrize("message", [
    "the client's letter went to the wrong flat",
    "my rucksack with case notes got stolen at the station",
    "the receptionist overheard me on the phone about a client's overdose",
])
def test_in_chat_a_mishap_gets_what_to_do_now_and_the_report_button(chat_as, message: str) -> None:  # type: ignore[no-untyped-def]
    [reply] = chat_as("sam.okafor@example.org").say(message)
    assert reply.text.startswith("It sounds as if something may have gone wrong")
    assert reply.choices[0].action == start_action("incident-report")
