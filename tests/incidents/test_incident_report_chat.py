"""Reporting an incident in chat, as a member of staff meets it: one question at a time in the terminal,
one form where the channel has forms; stored before "received" is said; nothing lost on a restart."""

import io
import re

from sqlalchemy import Engine, text
from sqlmodel import select

from bot.app.assembly import build_conversation
from bot.core.chat import FieldKind
from bot.core.outbox import replies_of
from bot.terminal.console import ConsoleChat
from bot.core.profile import Profile
from storage import conversations, incidents, outbox
from storage.engine import create_database_engine, session_scope
from storage.models import AuditEvent

SAM = "sam.okafor@example.org"
ANSWERS = [
    "report an incident",
    "2",                      # misdirected email
    "Saturday 16:00",         # happened
    "today 9am",              # discovered (Monday 23 November 2026)
    "2",                      # special category data
    "3",                      # neither children nor vulnerable adults
    "about 3",
    "2",                      # partly back under control
    "Asked the recipient to delete it and confirm",
    "My manager and the recipient",
    "Sent the referral for client JB to the wrong GP practice email",
]
REFERENCE = re.compile(r"IG-\d{4}-\d{4}")


def _stored(engine: Engine, reference: str) -> incidents.Incident | None:
    with session_scope(engine) as session:
        return incidents.get_by_reference(session=session, reference=reference)


def test_a_full_report_in_the_terminal(conversation, chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    output = io.StringIO()
    terminal = ConsoleChat(conversation=conversation, staff_id=chat_as(SAM).staff_id, output=output)
    for line in ANSWERS:
        terminal.say(line)
    assert "Here's your report" in output.getvalue()
    assert "When it was discovered: 23 Nov 2026 09:00 GMT" in output.getvalue()
    terminal.say("1")  # [1] Send report
    shown = output.getvalue()
    assert "Your report is stored as IG-2026-0001" in shown
    assert "Ask the recipient to delete it without reading further" in shown
    assert "by Thursday 26 November 2026 at 09:00 GMT (2 days 23 hours left)" in shown
    assert "add to IG-2026-0001" in shown
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and incident.status == "reported"
    assert (incident.kind, incident.data_kind, incident.people_affected) == ("misdirected_email", "special", 3)
    assert (incident.suggested_likelihood, incident.suggested_severity, incident.suggested_outcome) == (3, 3, "ico")
    assert incident.happened_at.isoformat() == "2026-11-21T16:00:00+00:00"
    with session_scope(engine) as session:
        assert conversations.get(connection=session.connection(), staff_id=incident.reporter_id) is None, "the draft is gone"


def test_the_ig_team_is_told_without_any_personal_data(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS:
        sam.say(line)
    sam.say("send")
    with session_scope(engine) as session:
        [notice] = outbox.get_all(session=session)
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert notice.to_ig_team and notice.dedup_key == "incident-reported:IG-2026-0001"
    [reply] = replies_of(notice)
    assert reply.title == "New incident: IG-2026-0001"
    assert "likelihood 3 (Likely) x severity 3 (Adverse)" in reply.text
    assert "2 days 23 hours left" in reply.text
    for private in ("Sam", "Okafor", "JB", "GP practice", "recipient to delete"):
        assert private not in reply.text
    assert [event.action for event in events] == ["incident.reported", "incident.graded"]
    assert events[1].details == {"reference": "IG-2026-0001", "likelihood": 3, "severity": 3, "outcome": "ico",
                                 "suggested": True}


class _CheckingOutput(io.StringIO):
    """A terminal that, the moment a reference is written to it, looks the report up in a fresh session."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.found_when_shown: dict[str, bool] = {}

    def write(self, shown: str) -> int:
        for reference in REFERENCE.findall(shown):
            self.found_when_shown[reference] = _stored(self.engine, reference) is not None
        return super().write(shown)


def test_the_report_is_stored_before_the_reporter_is_told(conversation, chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    output = _CheckingOutput(engine)
    terminal = ConsoleChat(conversation=conversation, staff_id=chat_as(SAM).staff_id, output=output)
    for line in [*ANSWERS, "send"]:
        terminal.say(line)
    assert output.found_when_shown == {"IG-2026-0001": True}


def test_a_failure_while_storing_means_no_received_message_and_no_lost_draft(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS:
        sam.say(line)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE incident RENAME TO incident_unavailable"))
    answer = sam.text("send")
    assert answer.startswith("Sorry, something went wrong") and "IG-" not in answer
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE incident_unavailable RENAME TO incident"))
    with session_scope(engine) as session:
        assert outbox.get_all(session=session) == []
        assert session.exec(select(AuditEvent)).all() == []
    assert "stored as *IG-2026-0001*" in sam.text("send"), "the draft was still there to send"


def test_a_restart_in_the_middle_of_the_flow_loses_nothing(chat_as, engine: Engine, profile: Profile, clock) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS[:5]:
        sam.say(line)
    restarted_engine = create_database_engine(str(engine.url.render_as_string(hide_password=False)))
    restarted = build_conversation(profile, restarted_engine, clock=clock)
    terminal = ConsoleChat(conversation=restarted, staff_id=sam.staff_id, output=io.StringIO())
    [question] = terminal.say("report an incident")[-1:]
    assert "Question 5 of 10" in question.text, "typing the trigger again carries on where it stopped"
    for line in ANSWERS[5:]:
        terminal.say(line)  # typed numbers work without the buttons the old process showed
    terminal.say("1")
    restarted_engine.dispose()
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None
    assert (incident.kind, incident.data_kind, incident.vulnerable, incident.contained) == (
        "misdirected_email", "special", "none", "partly")


def test_back_changes_the_previous_answer(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS[:3]:
        sam.say(line)
    assert "Question 2 of 10" in sam.text("back")
    assert "Question 3 of 10" in sam.text("Sunday 10:00")
    back_at_start = chat_as("jude.carrow@example.org")
    back_at_start.say("report")
    assert "first question" in back_at_start.text("back")
    for line in ANSWERS[3:]:
        sam.say(line)
    sam.say("send")
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and incident.happened_at.isoformat() == "2026-11-22T10:00:00+00:00"


def test_impossible_answers_are_explained_and_asked_again(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    sam.say("report an incident")
    assert "pick one of the 16 options" in sam.text("99")
    sam.say("misdirected")
    assert "in the future" in sam.text("tomorrow 9am")
    assert "Question 2 of 10" in sam.text("tomorrow 9am")
    sam.say("today 9am")
    refused = sam.text("yesterday 9am")
    assert "can't have been discovered before it happened" in refused and "Question 3 of 10" in refused
    sam.say("today 9:30")
    sam.say("personal")
    sam.say("neither")
    assert "can't be negative" in sam.text("-4")
    assert "Question 7 of 10" in sam.text("not sure")


def test_identifiers_are_explained_and_only_the_redacted_text_is_kept(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS[:8]:
        sam.say(line)
    [reply] = sam.say("Asked Jo at jo.bloggs@example.com to delete it; NHS number 943 476 5919, SW1A 1AA")
    assert "took out what looked like personal details (email address, NHS number and postcode)" in reply.notes[0]
    assert "use IDs or initials" in reply.notes[0]
    with session_scope(engine) as session:
        draft = conversations.get(connection=session.connection(), staff_id=sam.staff_id)
        assert draft is not None and "943 476 5919" not in str(draft.data)
    for line in ANSWERS[9:]:
        sam.say(line)
    sam.say("send")
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None
    assert incident.containment == "Asked Jo at [email address] to delete it; NHS number [NHS number], [postcode]"


def test_an_answer_can_be_changed_from_the_summary(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS:
        sam.say(line)
    assert "Which answer" in sam.text(action="incident-report:change")
    assert "Question 6 of 10" in sam.text(action="incident-report:change:people_affected")
    assert "People affected*: 250" in sam.text("250")
    sam.say(action="incident-report:send")
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and incident.people_affected == 250 and incident.suggested_severity == 4


def test_a_changed_time_that_no_longer_fits_is_asked_again(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS:
        sam.say(line)
    sam.say(action="incident-report:change")
    assert "Question 2 of 10" in sam.text(action="incident-report:change:happened_at")
    refused = sam.text("today 9:30")  # after it was discovered, at 9:00
    assert "can't have been discovered before it happened" in refused and "Question 3 of 10" in refused
    refused_again = sam.text("today 9:15")
    assert "can't have been discovered before it happened" in refused_again and "Question 3 of 10" in refused_again
    assert "When it was discovered*: 23 Nov 2026 09:45 GMT" in sam.text("today 9:45")
    sam.say("send")
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None
    assert (incident.happened_at.isoformat(), incident.discovered_at.isoformat()) == (
        "2026-11-23T09:30:00+00:00", "2026-11-23T09:45:00+00:00")


def test_buttons_answer_questions_and_an_old_button_is_recognised(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    [_, first] = sam.say("report an incident")
    assert first.choices[1].action == "incident-report:answer:kind:misdirected_email"
    assert "Question 2 of 10" in sam.text(action=first.choices[1].action)
    assert "earlier question" in sam.text(action=first.choices[0].action)
    assert "Question 3 of 10" in sam.text(action="incident-report:answer:happened_at:now")


def test_someone_not_in_the_directory_is_told_whom_to_ask(chat_as) -> None:  # type: ignore[no-untyped-def]
    assert "can't find you" in chat_as(None).text("report an incident")


# --- the form, for channels that can show one ---------------------------------------------

FORM = {
    "kind": "loss_or_theft",
    "happened_at": "2026-11-20T18:00",
    "discovered_at": "1795338000",  # Sunday 22 November 2026 09:00 UTC, as a date-time picker sends it
    "data_kind": "personal",
    "vulnerable": "children",
    "people_affected": "12",
    "contained": "no",
    "containment": "Reported the laptop to IT to be wiped; police told",
    "told": "My manager",
    "description": "Work laptop stolen from car; call me on 07700 900123",
}


def test_a_channel_with_forms_gets_the_whole_report_as_one_form(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    [reply] = sam.say("report an incident", supports_forms=True)
    assert reply.form is not None and reply.form.form_id == "incident-report:form"
    kinds = {field.name: field.kind for field in reply.form.fields}
    assert kinds["kind"] is FieldKind.SELECT and kinds["vulnerable"] is FieldKind.SELECT
    assert kinds["happened_at"] is FieldKind.DATETIME and kinds["discovered_at"] is FieldKind.DATETIME
    assert kinds["people_affected"] is FieldKind.NUMBER and kinds["description"] is FieldKind.LONG_TEXT
    [received] = sam.say(action="incident-report:form", form=FORM)
    assert received.title == "Incident reported: IG-2026-0001"
    assert "report it to IT now so it can be locked and wiped" in received.text
    assert "phone number" in received.notes[0]
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and incident.reported_via == "console"
    assert incident.description == "Work laptop stolen from car; call me on [phone number]"
    assert (incident.suggested_likelihood, incident.suggested_severity, incident.suggested_outcome) == (4, 3, "ico")


def test_a_rejected_form_writes_nothing_and_asks_only_what_needs_fixing(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    bad = {**FORM, "discovered_at": "2026-11-19T09:00", "people_affected": "-5", "kind": ""}
    replies = sam.say(action="incident-report:form", form=bad)
    listed = replies[0].text
    assert "Nothing has been sent yet" in listed
    assert "Kind of incident: This needs an answer." in listed
    assert "can't have been discovered before it happened" in listed
    assert "can't be negative" in listed
    assert "Question 1 of 10" in replies[1].text
    with session_scope(engine) as session:
        assert incidents.get_all(session=session) == []
        assert outbox.get_all(session=session) == []
        assert session.exec(select(AuditEvent)).all() == []
    assert "Question 3 of 10" in sam.text("1")
    assert "Question 6 of 10" in sam.text("21/11/2026 08:00")
    assert "Here's your report" in sam.text("12")
    assert "IG-2026-0001" in sam.text("send")


def test_a_form_with_a_time_in_the_future_says_so_once(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    replies = chat_as(SAM).say(action="incident-report:form", form={**FORM, "happened_at": "2026-11-24T09:00"})
    listed = replies[0].text
    assert listed.count("in the future") == 1
    assert "- When it happened: That's in the future, so it can't be when it happened." in listed
    assert "Question 2 of 10" in replies[1].text
    with session_scope(engine) as session:
        assert incidents.get_all(session=session) == []


def test_a_form_sent_after_the_draft_was_cancelled_is_still_stored(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    sam.say("report an incident", supports_forms=True)
    sam.say("cancel")
    [received] = sam.say(action="incident-report:form", form={**FORM, "people_affected": ""})
    assert "IG-2026-0001" in received.text
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and incident.people_affected is None, "left empty on the form: not sure"


def test_the_report_button_pressed_again_keeps_the_draft(chat_as) -> None:  # type: ignore[no-untyped-def]
    from bot.core.conversation import start_action

    sam = chat_as(SAM)
    for line in ANSWERS[:4]:
        sam.say(line)
    replies = sam.say(action=start_action("incident-report"))
    assert "Question 4 of 10" in replies[-1].text, "a second /ig report or button press does not wipe the draft"


def test_in_the_terminal_a_typed_number_answers_a_number_question(conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    terminal = ConsoleChat(conversation=conversation, staff_id=chat_as(SAM).staff_id, output=io.StringIO())
    for line in ANSWERS[:6]:
        terminal.say(line)
    [question] = terminal.say("1")[-1:]
    assert "Question 7 of 10" in question.text, "1 person affected, not the first button (Back)"
    assert "Or type: back" in terminal.output.getvalue()  # type: ignore[attr-defined]  # a StringIO here


def test_a_range_of_people_is_kept_as_a_range(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    for line in ANSWERS[:6]:
        sam.say(line)
    assert "Question 7 of 10" in sam.text("10-20 people")
    for line in ANSWERS[7:-1]:
        sam.say(line)
    assert "People affected*: 10 to 20" in sam.say(ANSWERS[-1])[-1].text, "the summary before sending"
    sam.say(action="incident-report:send")
    incident = _stored(engine, "IG-2026-0001")
    assert incident is not None and (incident.people_affected_from, incident.people_affected) == (10, 20)


def test_staff_are_told_the_same_thing_about_where_to_report(chat_as, engine: Engine, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    received = [reply for line in ANSWERS for reply in sam.say(line)] + sam.say(action="incident-report:send")
    assert "Also log it in Ulysses incident reporting software" in received[-1].text
    assert "Ulysses incident reporting software" in sam.text("how do I report an incident?")
    only_igbot = profile.model_copy(update={"organisation": profile.organisation.model_copy(
        update={"log_in_incident_system_too": False})})
    assert only_igbot.placeholders()["incident_system"] == "igbot (type *report an incident*)"


def test_the_kinds_of_information_are_worded_by_the_profile(chat_as, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    from workflows.incidents.questions import BY_NAME, build_form, labelled

    question = labelled(BY_NAME["data_kind"], profile)
    assert question.option("special") is not None and "case notes" in question.option("special").label  # type: ignore[union-attr]
    assert "case notes" not in question.option("personal").label  # type: ignore[union-attr]
    form_options = next(field.options for field in build_form(profile).fields if field.name == "data_kind")
    assert [option.label for option in form_options][:2] == [question.options[0].label, question.options[1].label]
    sam = chat_as(SAM)
    for line in ANSWERS[:3]:
        sam.say(line)
    [*_, asked] = sam.say(ANSWERS[3])  # the data question comes next, worded as the profile says
    assert "drug test results" in " ".join(choice.label for choice in asked.choices)
