"""The IG team's summary lists reports nobody has triaged yet; nobody else's does."""

from bot.core.conversation import Conversation

IG_OFFICER, STAFF = "harriet.osei@example.org", "sam.okafor@example.org"


def test_the_ig_team_sees_reports_waiting_for_triage_and_staff_do_not(  # type: ignore[no-untyped-def]
    conversation: Conversation, chat_as, store_report
) -> None:
    reference = store_report()
    assert f"1 reported incident(s) waiting for triage: {reference}" in chat_as(IG_OFFICER).text("what's waiting")
    assert "waiting for triage" not in chat_as(STAFF).text("home")
