"""Walking a decision tree in conversation: the answer, its reasons and sources, and the record kept."""

from sqlalchemy import Engine

from bot.core.conversation import start_action
from storage import audit, conversations, decisions
from storage.engine import session_scope


def test_sharing_for_care_with_consent_says_yes_with_reasons_sources_and_a_record(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    replies = sam.say("share")
    assert replies[0].title == "Can I share this?"
    assert "What do you want to share" in replies[0].text
    sam.say(action=replies[0].choices[0].action)  # the person's own care
    sam.say("1")  # they are alive
    sam.say("1")  # they agreed or would expect it
    [outcome] = sam.say("1")  # sent securely
    assert outcome.text.startswith("*Yes")
    assert "*Why*" in outcome.text
    assert outcome.citations, "an outcome names its sources"
    reference = outcome.notes[0].split("as ")[1].rstrip(".")
    with session_scope(engine) as session:
        [decision] = decisions.get_all(session=session, staff_id=sam.staff_id)
        assert decision.reference == reference
        assert decision.tree_id == "can-i-share" and decision.tree_version >= 1
        assert decision.answers == ["direct-care", "alive", "agreed-or-expected", "secure"]
        assert decision.verdict.startswith("yes")
        assert conversations.get(connection=session.connection(), staff_id=sam.staff_id) is None, "the flow has finished"
        assert audit.verify(session=session) is None


def test_typed_labels_and_nonsense_answers(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    sam.say("share")
    replies = sam.say("a journalist or the media asked")
    assert replies[0].text.startswith("*No"), "the media request is answered, not re-asked"
    sam.say(action=start_action("can-i-share"))
    [reply] = sam.say("bananas")
    assert "isn't one of the choices" in reply.notes[0]
    assert "What do you want to share" in reply.text


def test_back_changes_the_last_answer_even_after_the_outcome(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    sam.say("share")
    first = sam.say("10")[0]  # the media
    back = next(choice for choice in first.choices if choice.label == "Back")
    [question] = sam.say(action=back.action)
    assert "What do you want to share" in question.text
    with session_scope(engine) as session:
        state = conversations.get(connection=session.connection(), staff_id=sam.staff_id)
        assert state is not None and state.data["answers"] == []


def test_a_copy_of_the_decision_lists_the_answers(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    sam.say("share")
    outcome = sam.say("10")[0]
    copy_button = next(choice for choice in outcome.choices if choice.label == "Send me a copy")
    [copy] = sam.say(action=copy_button.action)
    assert copy.title.startswith("Decision record DEC-")
    assert "Sam Okafor" in copy.text and "journalist" in copy.text.lower()


def test_nobody_else_can_open_your_decision(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    sam.say("share")
    outcome = sam.say("10")[0]
    copy_button = next(choice for choice in outcome.choices if choice.label == "Send me a copy")
    other = chat_as("lily.pemberton@example.org")
    assert "can't find that decision" in other.text(action=copy_button.action)


def test_an_incident_outcome_offers_the_incident_report(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    replies = sam.say("is this an incident")
    for _ in range(6):
        if any(choice.action == start_action("incident-report") for choice in replies[0].choices):
            break
        replies = sam.say("1")
    assert any(choice.action == start_action("incident-report") for choice in replies[0].choices)


def test_tree_check_passes_the_shipped_trees_and_names_a_cycle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", "bot.app.cli", "tree", "check"], capture_output=True, text=True)
    assert ok.returncode == 0 and "sound" in ok.stdout
    broken = tmp_path / "loop.yaml"
    broken.write_text(
        "id: loop\ntitle: Loop\nversion: 1\ndescription: Goes round.\nstart: a\n"
        "questions:\n"
        "  a: {text: 'A?', options: [{id: onward, label: Onward, next: b}]}\n"
        "  b: {text: 'B?', options: [{id: again, label: Again, next: a}]}\n"
        "outcomes: {}\n"
    )
    result = subprocess.run([sys.executable, "-m", "bot.app.cli", "tree", "check", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "loop" in result.stdout and "cycle" in result.stdout.lower()


def test_starting_a_check_again_carries_on_where_it_was(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    sam.say("share")
    [second] = sam.say("1")
    [again] = sam.say(action=start_action("can-i-share"))
    assert again.text == second.text and not again.notes


def test_the_organisations_name_is_filled_in_wherever_a_check_shows_or_reads_an_option(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as("sam.okafor@example.org")
    [question] = sam.say("device check")
    assert question.choices[0].label == "A laptop, phone or tablet We Are With You gave me"
    [again] = sam.say("bananas")
    assert "We Are With You gave me" in again.notes[0] and "{" not in again.notes[0]
    [after] = sam.say("A laptop, phone or tablet We Are With You gave me")
    assert "isn't one of the choices" not in " ".join(after.notes), "the label as shown is accepted when typed"
    assert after.text != question.text
