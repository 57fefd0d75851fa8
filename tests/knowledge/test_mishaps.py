"""Something going wrong, told in any words, gets what to do now and the report button."""

from pathlib import Path

import pytest

from bot.core.conversation import start_action
from knowledge.entries import KnowledgeError, load_entries
from knowledge.mishaps import READ_CHARACTERS, load_mishaps, with_incident_advice
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
    ("my facebook got hacked and it has messages from clients on it", "hacking-or-account-compromise"),
    # Everyday wordings from drug and alcohol, mental health and social care teams.
    ("the fax went to the chemist instead of the GP", "disclosure-to-the-wrong-people"),
    ("read out the wrong client's results to a mum on the phone", "disclosure-to-the-wrong-people"),
    ("i sent a whatsapp about a client to the wrong group", "disclosure-to-the-wrong-people"),
    ("the text reminder went to the wrong mobile number", "disclosure-to-the-wrong-people"),
    ("gave out a client's new address to her ex by mistake", "disclosure-to-the-wrong-people"),
    ("i mentioned a client's HIV status to the hostel staff when i shouldn't have", "disclosure-to-the-wrong-people"),
    ("told the client's sister about his relapse without checking he was ok with it", "disclosure-to-the-wrong-people"),
    ("a client heard my colleague talking about another client's court case", "disclosure-to-the-wrong-people"),
    ("the hospital got a copy of the wrong person's assessment from us", "disclosure-to-the-wrong-people"),
    ("sent the discharge summary to a client with the same surname", "disclosure-to-the-wrong-people"),
    ("outlook picked the wrong name and the referral went to someone at the council", "misdirected-email"),
    ("hit send and the email went to the old probation officer who's left", "misdirected-email"),
    ("put everyone's email address in the to box on the group mailout", "email-cc-instead-of-bcc"),
    ("the newsletter went out and all the clients could see each others emails", "email-cc-instead-of-bcc"),
    ("the care plan went to his ex-partner's address", "letter-sent-to-wrong-address"),
    ("sent the appointment letter to the flat he moved out of", "letter-sent-to-wrong-address"),
    ("put two clients' letters in the same envelope", "letter-sent-to-wrong-address"),
    ("my work mobile got pinched at the station", "lost-device-what-to-do"),
    ("i think i left the team laptop in the taxi", "lost-device-what-to-do"),
    ("the ipad we use for assessments has vanished from the office", "lost-device-what-to-do"),
    ("left my rucksack with the day's notes on the 43 bus", "lost-paper-records"),
    ("my diary with client addresses fell out of my pocket", "lost-paper-records"),
    ("my notepad with client phone numbers has gone missing after the home visit", "lost-paper-records"),
    ("someone took my handbag from the car, the visit sheets were in it", "lost-paper-records"),
    ("someone took a file out of the records room and it hasn't come back", "lost-paper-records"),
    # our own records and devices, though a client or a colleague is named
    ("client notes were in her bag when it was stolen from her car", "lost-paper-records"),
    ("my colleague lost her work phone", "lost-device-what-to-do"),
    ("the client's phone number was sent to the wrong person", "disclosure-to-the-wrong-people"),
    ("the referral went to the wrong dr patel", "disclosure-to-the-wrong-people"),
    ("someone from reception read out a client's name and drug test result in the waiting room",
     "disclosure-to-the-wrong-people"),
    ("i let my partner read a case file", "disclosure-to-the-wrong-people"),
    ("a client's relative found her notes in the car park", "lost-paper-records"),
    ("the courier says he delivered the files but the hospital says they never got them", "lost-paper-records"),
    ("i talked about a client at a party and someone knew her", "disclosure-to-the-wrong-people"),
    ("our shared drive folder was open to everyone in the organisation", "disclosure-to-the-wrong-people"),
    ("i accidentally shared a teams meeting link with clients' names in the title", "disclosure-to-the-wrong-people"),
    ("a client grabbed my notebook and ran off", "lost-paper-records"),
    ("i sent a text about an appointment to a client's old number", "disclosure-to-the-wrong-people"),
    ("i left a voicemail about a client's treatment on the wrong phone", "disclosure-to-the-wrong-people"),
    ("my kids saw a client's file on the kitchen table", "disclosure-to-the-wrong-people"),
    ("a visitor could see the names on the whiteboard", "disclosure-to-the-wrong-people"),
    ("the locum saw records of a client she doesn't work with", "what-is-an-ig-incident"),
    # another organisation's mistake reaching us
    ("the council sent us a referral for the wrong person", "receiving-information-in-error"),
    ("we received someone else's records by mistake", "receiving-information-in-error"),
    ("left the sign in sheet with client names at the community centre", "lost-paper-records"),
    ("a box of old client files was put out with the normal rubbish", "lost-paper-records"),
    ("the wind took some of my visit notes in the car park", "lost-paper-records"),
    ("a client's file was in the box we sent for shredding but the shredding firm didn't turn up "
     "and it's been in the corridor", "what-is-an-ig-incident"),
    ("i opened the wrong client's record on the system by mistake", "what-is-an-ig-incident"),
    ("a colleague left her screen logged in and went to lunch", "unlocked-unattended-device"),
    ("my colleague has been looking up her neighbour on the system", "insider-fraud-and-deliberate-leaks"),
    ("someone rang pretending to be from IT and i gave them my password", "blagging-phone-calls"),
    ("my teams account is messaging people things i didn't send", "hacking-or-account-compromise"),
    ("a client took a photo of the whiteboard with everyone's names on", "disclosure-to-the-wrong-people"),
    ("my phone went missing on the train with client texts on it", "lost-device-what-to-do"),
    ("found a referral letter in the recycling", "lost-paper-records"),
    ("found some assessments by the bins in the car park", "lost-paper-records"),
    ("client notes were left on the desk and a visitor read them", "lost-paper-records"),
    ("I lost my bag on the bus. My visit notes were in it.", "lost-paper-records"),
]

NOT_MISHAPS = [
    "how do I avoid sending emails to the wrong person",
    "someone hacked my personal instagram and is posting scams, how do I get it back",  # their own life, not work
    "can I use my own phone for work",
    "how long do we keep adult records",
    "what is a subject access request",
    "where do I book annual leave",
    "how do I stop autocomplete picking the wrong email address",
    "how do I turn off autocomplete in outlook",
    "is it a breach if I email the wrong colleague internally",
    "can I keep a diary with client addresses in it",
    "can I put old letters in the recycling bin",
    "can clients hear us talking in the interview room",
    "what happens to a leaver's files after they have left the organisation",
    "if my work phone gets nicked can they get into it",
    "what protections do work laptops have in case they are lost or stolen",
    "we've lost the contract, what happens to the client records",
    "tender lost, new provider wants all the client files",
    "paperwork left on desks overnight, is that ok",
    "i think the way we store files is risky but nothing has gone wrong yet",
    "can I read out test results to a client on the phone",
    "what's the safest way to fax a referral",
    "the police are on the phone saying a client is missing and they need his address urgently",
    "a young person we support has gone missing from home, can I give the police her records",
    "the missing persons team wants our notes on him",
    "a social worker was on the phone asking where her client's file is kept",
    # "bin" as what they mean to do, not where records were found
    "found boxes of old files in the cupboard, can we bin them",
    # a mishap's words in one sentence and what they might have happened to in another
    "New starters got a bit lost in their first week. Do I need to keep a record of their induction?",
    "We lost out on the county service. Who keeps the closed files now?",
    # something a person wants taken off their record, not something taken from us
    "trans client wants her old name taken off her record",
    "she wants the bit about her arrest taken out of her notes",
    # something that happened to a client's own things, not to information we hold
    "a client lost her phone and wants us to text her new number",
    "client said someone hacked her facebook and is posting about her",
    "my client's bag was stolen with her prescription in it",
    "can i let my partner see my screen when working from home",
    "can the folder be open to everyone in the team",
    "can i leave a voicemail for a client on his mobile",
    "my old phone number is still on my email signature",
    "my son looked at his own records with me",
    "do i need a reason to open a client's notes if i don't work with them",
    # a form missing from a record, not a record gone missing
    "a client's file is missing a consent form",
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


def test_only_the_start_of_a_very_long_message_is_read_for_a_mishap() -> None:
    mishaps = load_mishaps()
    mishap = "I sent the referral to the wrong GP surgery. "
    preamble = "Sorry this is long, I'll explain the background first. " * 20
    assert len(preamble) > READ_CHARACTERS
    assert mishaps.entry_id_for(mishap + preamble * 40) == "disclosure-to-the-wrong-people", "told at the start"
    assert mishaps.entry_id_for(preamble + mishap) is None, "told after the part that is read"


def test_old_files_someone_means_to_bin_get_the_advice_on_destroying_records(index: KnowledgeIndex) -> None:
    message = "found boxes of old files in the cupboard, can we bin them"
    entries = {entry.id: entry for entry in index.entries}
    answer = with_incident_advice(message, index.ask(message), mishaps=load_mishaps(), entries=entries)
    assert answer.answered and answer.entry is not None and answer.entry.id == "destroying-records-sign-off"
