"""Questions answered in conversation: cited answers, honest declines, and the curation loop."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from bot.core.chat import Channel, IncomingMessage
from bot.core.clock import SettableClock
from bot.core.conversation import Conversation, start_action
from bot.core.profile import Profile
from close_call import TWINS
from knowledge.answers import KnowledgeAnswerer, install
from knowledge.citations import SourceCatalogue
from knowledge.retrieval import KnowledgeIndex
from moments import MONDAY_MORNING
from storage import curation, outbox
from storage.curation import CurationItem, Signal
from storage.engine import session_scope

NHS_NUMBER = "943 476 5919"


def _labels(reply) -> list[str]:  # type: ignore[no-untyped-def]  # a bot.core.chat.Reply
    return [choice.label for choice in reply.choices]


def test_a_question_is_answered_with_its_source_and_feedback_buttons(chat_as) -> None:  # type: ignore[no-untyped-def]
    [reply] = chat_as("sam.okafor@example.org").say("do i really have to lock my screen if im only gone a minute")
    assert reply.title and "screen" in (reply.title + reply.text).lower()
    assert any(citation.ref.startswith("DQ402 — ") for citation in reply.citations)
    assert _labels(reply)[:3] == ["Helpful", "Not helpful", "Ask the IG team"]


def test_profile_values_fill_the_answer(chat_as) -> None:  # type: ignore[no-untyped-def]
    text = chat_as("sam.okafor@example.org").text("who is our data protection officer?")
    assert "Imogen Thwaite" in text and "{" not in text


UNANSWERED = "can I wear smart glasses that record video on a home visit?"  # about IG, not in the knowledge base


def test_an_ig_question_without_an_answer_is_declined_plainly_and_kept_for_curation(  # type: ignore[no-untyped-def]
        chat_as, engine: Engine) -> None:
    sam = chat_as("sam.okafor@example.org")
    [reply] = sam.say(UNANSWERED)
    assert "not confident" in reply.text and "data.protection@" in reply.text
    assert "Ask the IG team" in _labels(reply)
    referred = sam.say(action=reply.choices[-1].action)[0]
    assert "Saved for the IG team as Q-" in referred.text and "inbox" in referred.text
    with session_scope(engine) as session:
        gaps = curation.get_gaps(session=session)
        [notice] = outbox.get_all(session=session)
    assert {(gap.signal, gap.question) for gap in gaps} == {("declined", UNANSWERED), ("referred", UNANSWERED)}
    assert notice.to_ig_team and "Sam Okafor" in notice.payload[0]["text"]
    assert "smart glasses" in notice.payload[0]["text"]


def test_a_message_not_about_ig_is_told_so_and_not_kept_as_a_knowledge_gap(  # type: ignore[no-untyped-def]
        chat_as, engine: Engine) -> None:
    sam = chat_as("sam.okafor@example.org")
    [reply] = sam.say("how do I book annual leave for next month?")
    assert reply.text.startswith("I don't think that's an Information Governance question")
    assert _labels(reply) == ["It is about IG: ask the IG team"], "no IG entries offered for it"
    with session_scope(engine) as session:
        assert curation.get_gaps(session=session) == []
    referred = sam.text(action=reply.choices[0].action)
    assert "Saved for the IG team as Q-" in referred
    with session_scope(engine) as session:
        gaps = curation.get_gaps(session=session)
        [notice] = outbox.get_all(session=session)
    assert [(gap.signal, gap.question, gap.entry_id) for gap in gaps] == [
        ("referred", "how do I book annual leave for next month?", None)]
    assert notice.to_ig_team and "annual leave" in notice.payload[0]["text"]


def test_someone_elses_declined_question_cannot_be_passed_on(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    [declined] = chat_as("sam.okafor@example.org").say(UNANSWERED)
    [reply] = chat_as("aisha.qureshi@example.org").say(action=declined.choices[-1].action)
    assert "Saved for the IG team" not in reply.text
    with session_scope(engine) as session:
        assert outbox.get_all(session=session) == [], "nothing reaches the IG team in Sam's name"


def test_personal_identifiers_are_warned_about_and_never_stored(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    [reply] = sam.say(f"can I wear smart glasses that record patient {NHS_NUMBER} on 07700 900123?")
    assert any("don't paste personal details" in note for note in reply.notes)
    with session_scope(engine) as session:
        stored = " ".join(item.question for item in session.exec(select(CurationItem)))
    assert "5919" not in stored and "900123" not in stored
    assert "[NHS number]" in stored


def test_not_helpful_feedback_is_stored_redacted_and_listed_as_a_gap(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    [answer] = sam.say(f"can I text a client's NHS number {NHS_NUMBER} to their GP")
    unhelpful = next(choice for choice in answer.choices if choice.label == "Not helpful")
    [sorry] = sam.say(action=unhelpful.action)
    assert "noted it for the IG team" in sorry.text
    helpful = next(choice for choice in answer.choices if choice.label == "Helpful")
    assert "Thanks" in sam.text(action=helpful.action)
    with session_scope(engine) as session:
        signals = [item.signal for item in session.exec(select(CurationItem))]
        gaps = curation.get_gaps(session=session)
    assert sorted(signals) == [Signal.HELPFUL.value, Signal.NOT_HELPFUL.value]
    assert [gap.signal for gap in gaps] == ["not_helpful"]
    assert NHS_NUMBER not in gaps[0].question and gaps[0].entry_id is not None


def test_a_question_describing_an_incident_gets_advice_and_an_offer_to_report(chat_as) -> None:  # type: ignore[no-untyped-def]
    [reply] = chat_as("sam.okafor@example.org").say("I emailed a client's details to the wrong person")
    assert reply.text.startswith("It sounds as if something may have gone wrong")
    assert reply.choices[0].action == start_action("incident-report")


def test_related_entries_can_be_opened(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    [reply] = sam.say("can I use the wifi in a coffee shop for work")
    related = [choice for choice in reply.choices if choice.label.startswith("Related: ")]
    assert related
    [opened] = sam.say(action=related[0].action)
    assert opened.title == related[0].label.removeprefix("Related: ")
    assert opened.citations


def _igbot(*arguments: str, cwd: Path | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.app.cli", *arguments], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def test_ask_prints_one_json_object(tmp_path: Path) -> None:
    result = _igbot("ask", "is it ok to use public wifi for work?", "--json")
    answer = json.loads(result.stdout)
    assert set(answer) == {"answered", "off_topic", "close_call", "answer", "entry_id", "score", "sources", "related"}
    assert answer["answered"] is True and answer["entry_id"]
    assert all(set(source) == {"title", "ref", "url"} for source in answer["sources"])
    declined = json.loads(_igbot("ask", "tell me a joke", "--json").stdout)
    assert declined["answered"] is False and declined["entry_id"] is None


def test_ask_answers_a_file_one_line_each(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("how often is our training?\n\nwhat's for lunch?\n")
    lines = _igbot("ask", "--file", str(questions), "--json").stdout.splitlines()
    assert [json.loads(line)["answered"] for line in lines] == [True, False]


def test_kb_check_passes_the_shipped_content() -> None:
    result = _igbot("kb", "check", "--as-of", MONDAY_MORNING.date().isoformat())  # review dates as on the test's day
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout


def test_kb_gaps_lists_old_questions_without_deleting_them(engine: Engine, database_url: str, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        item = curation.create(session=session, now=MONDAY_MORNING, signal=Signal.DECLINED, question="where do I park?")
        item.at = item.at - dt.timedelta(days=5 * 365)
        session.add(item)
    result = _igbot("kb", "gaps", "--json", env={"DATABASE_URL": database_url, "IGBOT_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == ["where do I park?"]
    with session_scope(engine) as session:
        assert [item.question for item in session.exec(select(CurationItem))] == ["where do I park?"]


def test_a_close_call_shows_both_answers_each_with_its_buttons(engine: Engine, profile: Profile) -> None:
    answerer = KnowledgeAnswerer(profile=profile, index=KnowledgeIndex.build(TWINS, off_topic=()),
                                 sources=SourceCatalogue.load(profile))
    conversation = Conversation(engine=engine, profile=profile, answerer=answerer, clock=SettableClock(MONDAY_MORNING))
    install(conversation)

    preface, first, second = conversation.handle_now(
        IncomingMessage(channel=Channel.CONSOLE, staff_id=None, text=f"are they encrypted? it's about {NHS_NUMBER}"))

    assert "either of two things" in preface.text and preface.notes, "the personal data warning comes first"
    assert {first.title, second.title} == {"Encrypted laptops", "Encrypted tablets"}
    assert {first.text, second.text} == {"All work laptops are encrypted by IT.", "All work tablets are encrypted by IT."}
    for reply in (first, second):
        assert _labels(reply) == ["Helpful", "Not helpful", "Ask the IG team"]
        assert NHS_NUMBER not in " ".join(choice.action for choice in reply.choices)


def test_a_close_call_is_kept_for_curation_with_both_entries(engine: Engine, database_url: str, profile: Profile,
                                                              tmp_path: Path) -> None:
    answerer = KnowledgeAnswerer(profile=profile, index=KnowledgeIndex.build(TWINS, off_topic=()),
                                 sources=SourceCatalogue.load(profile))
    conversation = Conversation(engine=engine, profile=profile, answerer=answerer, clock=SettableClock(MONDAY_MORNING))
    install(conversation)
    conversation.handle_now(IncomingMessage(channel=Channel.CONSOLE, staff_id=None, text=f"are they encrypted? {NHS_NUMBER}"))
    conversation.handle_now(IncomingMessage(channel=Channel.CONSOLE, staff_id=None, text="are laptops encrypted"))

    with session_scope(engine) as session:
        [item] = session.exec(select(CurationItem).where(CurationItem.signal == Signal.CLOSE_CALL.value)).all()
    assert {item.entry_id, item.runner_up} == {"encrypted-laptops", "encrypted-tablets"}
    assert NHS_NUMBER not in item.question and "are they encrypted" in item.question
    result = _igbot("kb", "gaps", env={"DATABASE_URL": database_url, "IGBOT_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert "close_call" in line and f"(answers {item.entry_id} and {item.runner_up})" in line
