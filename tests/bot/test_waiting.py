"""What's waiting for me: the same summary in the terminal, Teams and Slack's App Home."""

from sqlalchemy import Engine

from bot.core.chat import Channel
from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from storage import training
from storage.engine import session_scope

IG_OFFICER, STAFF = "harriet.osei@example.org", "sam.okafor@example.org"


def test_home_shows_training_and_what_was_left_unfinished(conversation: Conversation, chat_as, engine: Engine,  # type: ignore[no-untyped-def]
                                                          profile: Profile, clock: SettableClock) -> None:
    sam = chat_as(STAFF)
    [never_trained] = sam.say("home")
    assert never_trained.text.startswith("Hello Sam Okafor.")
    assert "- Complete your *Keeping Information Safe* training." in never_trained.text
    with session_scope(engine) as session:
        training.record_completion(session=session, staff_id=sam.staff_id, course=profile.training.name,
                                   completed_on=clock.today(profile.working_hours.zone), today=clock.today(
                                       profile.working_hours.zone), now=clock.now())
    [nothing] = sam.say("home")
    assert "Keeping Information Safe" in nothing.text and "Nothing is waiting for you." in nothing.text
    sam.say("report an incident")
    [unfinished] = sam.say("home")
    assert "You have something unfinished: *Report an incident*" in unfinished.text
    assert [choice.label for choice in unfinished.choices] == ["Carry on", "Discard"]
    assert "Question 1 of" in sam.text(action=unfinished.choices[0].action)


def test_someone_not_in_the_directory_has_no_summary(conversation: Conversation, chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert "can't find you" in chat_as(None).text("home")
    assert conversation.summary_for(channel=Channel.SLACK, staff_id=None) is None
