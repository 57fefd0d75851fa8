"""Staff ask in their own words, with typos and slang; the index answers or declines."""

from __future__ import annotations

import pytest

from close_call import TWINS
from knowledge.entries import Entry, KnowledgeError, Source
from knowledge.retrieval import KnowledgeIndex, RankingSettings, render_answer


def entry(entry_id: str, title: str, questions: list[str], answer: str, *, tags: list[str],
          related: tuple[str, ...] = ()) -> Entry:
    return Entry(id=entry_id, title=title, questions=tuple(questions), answer=answer,
                 sources=(Source(ref="DQ402"),), tags=tuple(tags), related=related)


ENTRIES = [
    entry("never-share-passwords", "Never share your password",
          ["Can I give my password to a colleague?", "is it ok to share my login password"],
          "Never share your password, even with your manager. {dpo_name} can help.",
          tags=["passwords"], related=("change-password-if-compromised",)),
    entry("change-password-if-compromised", "Changing your password if someone might know it",
          ["I think someone saw my password, what now?", "what if my password is known"],
          "Change it straight away and tell {ig_officer_name}.", tags=["passwords"]),
    entry("lost-device-what-to-do", "What to do if a work laptop or phone is lost or stolen",
          ["I lost my work laptop", "my work phone was stolen, what do I do?"],
          "Report it straight away through {incident_system} and tell your line manager.",
          tags=["devices", "incidents"], related=("encryption",)),
    entry("encryption", "Encryption of laptops and memory sticks",
          ["Are our laptops encrypted?", "do I need to encrypt a USB stick"],
          "All work laptops are encrypted. Only use approved encrypted memory sticks.",
          tags=["devices"]),
    entry("messaging-apps", "Messaging apps such as WhatsApp",
          ["Can I use WhatsApp to message a client?", "is texting a service user ok"],
          "Use approved messaging only, and copy anything important into the record.",
          tags=["messaging"]),
    entry("clear-desk-locked-screens", "Clear desks and locked screens",
          ["Do I have to lock my screen if I'm only away for a minute?", "whats the clear desk rule"],
          "Lock your screen whenever you step away and clear papers from your desk.",
          tags=["physical-security", "screens"]),
    entry("public-wifi", "Public wifi and the office wifi",
          ["Can I use the cafe wifi for work?", "is public wifi safe"],
          "Use the office wifi; avoid public wifi for work.", tags=["wifi"]),
    entry("shredding-paper", "Shredding and confidential waste",
          ["How do I get rid of old paper notes?", "where does confidential paper go"],
          "Use a cross-shredder or the approved confidential waste service.", tags=["paper"]),
]


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    # Eight entries of two phrasings each: the ranking alone is tested here. The shipped off-topic
    # examples are weighed against the shipped entries' many phrasings (test_out_of_scope.py).
    return KnowledgeIndex.build(ENTRIES, off_topic=())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("can i shaer my pasword with a colleage", "never-share-passwords"),
        ("do I hafta lock my sreen when I go for a brew", "clear-desk-locked-screens"),
        ("are our laptps encrpyted", "encryption"),
        ("my lappy got nicked off the train, what now", "lost-device-what-to-do"),
        ("can I whatsapp a person we support", "messaging-apps"),
        ("is the coffee shop wi-fi ok to use", "public-wifi"),
        ("my boss wants my pw, can I give it him", "never-share-passwords"),
        ("where do old case notes go? shredder?", "shredding-paper"),
    ],
)
def test_typos_and_slang_get_the_right_entry(index: KnowledgeIndex, question: str, expected: str) -> None:
    answer = index.ask(question)

    assert answer.answered
    assert answer.entry is not None and answer.entry.id == expected


@pytest.mark.parametrize(
    "question",
    ["what's the weather", "tell me a joke", "how do I book annual leave", "", "???"],
)
def test_a_question_outside_the_knowledge_base_is_declined(
    index: KnowledgeIndex, question: str
) -> None:
    answer = index.ask(question)

    assert not answer.answered
    assert answer.entry is None


def test_an_answer_comes_with_its_own_related_entry_first(index: KnowledgeIndex) -> None:
    answer = index.ask("can I tell my colleague my password")

    assert [entry.id for entry in answer.related][:1] == ["change-password-if-compromised"]
    assert len(answer.related) <= 2
    assert answer.entry not in answer.related


def test_a_question_two_entries_fit_almost_equally_is_a_close_call_with_both() -> None:
    index = KnowledgeIndex.build(TWINS, off_topic=())

    answer = index.ask("are they encrypted")

    assert answer.answered and answer.close_call
    assert {answer.entry.id if answer.entry else "", *(other.id for other in answer.related)} == {
        "encrypted-laptops", "encrypted-tablets"}


def test_a_question_one_entry_fits_clearly_is_not_a_close_call() -> None:
    index = KnowledgeIndex.build(TWINS, off_topic=())

    answer = index.ask("is my work laptop encrypted")

    assert answer.entry is not None and answer.entry.id == "encrypted-laptops"
    assert not answer.close_call


def test_without_a_close_call_margin_the_best_entry_alone_answers() -> None:
    index = KnowledgeIndex.build(TWINS, off_topic=(), settings=RankingSettings(close_call_margin=None))

    answer = index.ask("are they encrypted")

    assert answer.answered and not answer.close_call


def test_the_score_is_a_confidence_between_zero_and_one(index: KnowledgeIndex) -> None:
    confident = index.ask("Can I give my password to a colleague?")
    vague = index.ask("what about the paper")

    assert 0.0 <= vague.score < confident.score <= 1.0


def test_placeholders_in_an_answer_are_filled_from_the_profile_values() -> None:
    text = render_answer(ENTRIES[0], {"dpo_name": "Alex Example", "dp_email": "dp@example.org"})

    assert text == "Never share your password, even with your manager. Alex Example can help."


def test_a_placeholder_without_a_value_is_refused() -> None:
    with pytest.raises(KnowledgeError, match=r"never-share-passwords: no value for placeholder \{dpo_name\}"):
        render_answer(ENTRIES[0], {})


def test_a_short_word_is_only_corrected_to_a_stop_word_of_its_length(index: KnowledgeIndex) -> None:
    assert index.analyse("waht is teh rule") == index.analyse("what is the rule")
    assert "plus" in index.analyse("what's 2 plus 2")
