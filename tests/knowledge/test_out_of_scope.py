"""A message about pay, shifts, the building, a broken printer, a dose or the football is declined,
even when it shares a word with the knowledge base; an IG question in the same everyday words is not."""

from __future__ import annotations

import pytest

from knowledge.entries import load_entries
from knowledge.language import OUT_OF_SCOPE, load_language, terms_of, words_of
from knowledge.retrieval import KnowledgeIndex


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex.build(load_entries())


@pytest.fixture(scope="module")
def without_examples() -> KnowledgeIndex:
    return KnowledgeIndex.build(load_entries(), off_topic=())


@pytest.mark.parametrize("message", [
    "can I carry over my unused holiday days",
    "my payslip is missing this month's overtime",
    "how do I raise a grievance against my manager",
    "can you write me a reference for a new job",
    "can I swap my sunday shift with Priya",
    "the heating in the upstairs office isn't working",
    "what time does the post room close",
    "the printer on floor 2 keeps saying offline",
    "nobody can hear me on teams, my microphone isn't working",
    "can IT install adobe reader on my laptop",
    "what dose of diazepam for alcohol withdrawal",
    "who signs off invoices from the catering supplier",
    "how do I put in a purchase order for new chairs",
    "how many cpd hours do nurses need for revalidation",
    "can I book the group room for the data protection training on tuesday",
    "where's the order form for shredder bags",
    "I can't log into my nhs login to see my payslips",
    "what's a good recipe for lasagne",
])
def test_an_off_topic_message_is_declined(index: KnowledgeIndex, message: str) -> None:
    assert not index.ask(message).answered


@pytest.mark.parametrize(("message", "entry_id"), [
    ("is it ok to message shift handover details on whatsapp", "whatsapp-and-messaging-apps"),
    ("where should I keep the key to the filing cabinet with case files", "locking-records-away"),
    ("can the cleaners come in while client files are on my desk", "visitors-and-contractors"),
    ("can I talk about a client in the staff kitchen", "private-space-for-sensitive-conversations"),
    ("is it ok to have teams calls about clients in an open office", "private-space-for-sensitive-conversations"),
    ("my screen can be seen by clients in reception, what should I do", "screens-away-from-view"),
    ("do I need to update the software on my laptop", "software-updates"),
    ("is there a confidentiality clause in my contract of employment", "confidentiality-in-contracts"),
    ("where do I find the mandatory data protection training", "annual-training"),
    # Close to the off-topic examples in their words, not in what they ask.
    ("can a client have a copy of their notes", "subject-access-requests"),
    ("how long have we got to tell the ICO about a breach", "breach-72-hour-clock"),
    ("can I photocopy a client file to take home", "paper-records-off-site"),
    ("can the DBS results be kept on the staff file", "criminal-offence-data"),
])
def test_an_ig_question_in_the_same_everyday_words_is_answered(
    index: KnowledgeIndex, message: str, entry_id: str
) -> None:
    answer = index.ask(message)
    assert answer.answered and answer.entry is not None and answer.entry.id == entry_id


def test_no_entry_speaks_in_out_of_scope_phrases_added_by_category() -> None:
    # The phrases added by category (pay, shifts, facilities, IT faults, clinical practice,
    # finance, training logistics, small talk) are words no entry uses; an entry that did would
    # weigh against itself.
    language = load_language()
    samples = ["pay award", "night shift", "kitchen bins", "printer offline", "adobe reader",
               "how much methadone", "purchase order", "cpd hours", "recipe"]
    for entry in load_entries():
        for text in (entry.title, *entry.questions, entry.answer):
            terms = terms_of(words_of(text.replace("-", " "), language=language), language=language)
            if OUT_OF_SCOPE in terms:
                assert not any(sample in text.lower() for sample in samples), (entry.id, text)


@pytest.mark.parametrize("message", [
    "the scanner on the first floor keeps saying it's offline when I scan documents",
    "how do I change my voicemail greeting on the desk phone",
    "what time is the post picked up from reception",
    "any good laptop deals for black friday",
    "who is on the needle exchange desk this friday",
])
def test_a_message_meaning_what_an_off_topic_example_says_is_declined_though_its_words_match_an_entry(
        index: KnowledgeIndex, without_examples: KnowledgeIndex, message: str) -> None:
    assert without_examples.ask(message).answered, "its words alone would have been answered"
    assert not index.ask(message).answered
