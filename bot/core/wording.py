"""What igbot says that is not knowledge-base content: one place, so the voice stays calm and consistent."""

APOLOGY = (
    "Sorry, something went wrong on my side and I couldn't finish that. "
    "Nothing you sent has been lost. If it keeps happening, tell the IG team "
    "and quote reference {reference}."
)

GREETING = (
    "Hello {name}. I'm igbot, {org_name}'s Information Governance assistant. "
    "Ask me a question about keeping information safe, or type *help* to see what I can do."
)

HELP_INTRO = "Here's what I can help with. Ask me anything about Information Governance in your own words, or:"

HELP_FOOTER = (
    "Type *home* to see what's waiting for you, and *cancel* at any point to stop what we're doing. "
    "For anything I can't help with, email {dp_email}."
)

CONSOLE_LEAVING = "(Type quit, or press Ctrl-D or Ctrl-C, to leave this chat. Anything in progress is kept for next time.)"

CANCELLED = "OK, I've stopped that. Nothing more will be sent. Ask me anything, or type *help*."

SET_ASIDE = (
    "I've set *{label}* aside with your answers so far. Ask me anything meanwhile; type *continue* to carry on, "
    "or *discard* to delete it."
)
SET_ASIDE_REMINDER = "There's nothing to choose from just now. Your *{label}* is set aside: type *continue* to go back to it."
IN_PROGRESS = "You have *{label}* in progress: carry on where you left off, or discard it."
CONFIRM_DISCARD = "Delete your unfinished *{label}* and everything you've answered in it? This can't be undone."
DISCARD = "Discard"
DISCARD_YES = "Yes, delete it"
DISCARD_NO = "Keep it"
DISCARDED = "Deleted. Ask me anything, or type *help*."
KEPT = "Kept. Type *continue* whenever you're ready to carry on."
NOTHING_TO_DISCARD = "There's nothing unfinished to discard. Ask me anything, or type *help*."
REPLACE_UNFINISHED = "You have an unfinished *{label}*. Carry on with it, or delete it and start *{new}*?"
CARRY_ON_WITH = "Carry on with {label}"
DISCARD_AND_START = "Delete it and start {new}"
FINISH_FIRST = "You have an unfinished *{label}*: finish or discard it first, then try again."
FINISH_SOMETHING_FIRST = "You have something unfinished: finish or discard it first (type *home* to see it), then try again."
NOTHING_TO_CHOOSE = (
    "There's nothing to choose from just now. Ask me a question in your own words, or type *help* to see what I can do."
)

NOTHING_TO_CANCEL = "There's nothing in progress to cancel. Ask me anything, or type *help*."

NOT_IN_DIRECTORY = (
    "I can't find you in {org_name}'s staff directory, so I can only give general answers. "
    "To report an incident or use the guided checks, ask the IG team to add you: {dp_email}."
)

STALE_BUTTON = "That button belongs to something that has already finished. Type *help* to start again."

NOT_ALLOWED = "Only {roles} can do that. If you think you should be able to, ask the IG officer to give you the role."
# The IG roles (IG officer, DPO, Caldicott Guardian, SIRO), named the way people say it.
IG_TEAM = "the IG team"

NOT_UNDERSTOOD_CHOICE = "Please pick one of the options ({choices}), or type *cancel* to stop."

PERSONAL_DATA_WARNING = (
    "Please don't paste personal details (names, NHS numbers, dates of birth, addresses or phone "
    "numbers) into chat. I haven't stored them. Use an ID or initials instead, as our policy asks."
)

# Training status ("my training", `/ig training`, Slack App Home).
TRAINING_TITLE = "Your IG training"

TRAINING_CURRENT = (
    "Your *{course}* training is up to date: you completed it on {completed_on}, "
    "and it is valid until {valid_until}."
)

TRAINING_DUE_SOON = (
    "Your *{course}* training is valid until {valid_until}, which is {days}. "
    "Please book your refresher now so it doesn't lapse. You last completed it on {completed_on}."
)

TRAINING_OVERDUE = (
    "Your *{course}* training has been overdue since {valid_until}: you last completed it on {completed_on}, "
    "and it needs renewing every {training_validity_months} months. Please complete it as soon as you can. "
    "If you already have, ask the IG team ({dp_email}) to update your record."
)

TRAINING_NEVER = (
    "I have no record of you completing *{course}* training. Everyone at {org_name} completes it every "
    "{training_validity_months} months: please book it soon. If you already have, ask the IG team "
    "({dp_email}) to update your record."
)

# Slack.
FLOW_NOT_AVAILABLE = "Sorry, that isn't available here yet. Ask me a question instead, or type *help* to see what I can do."

FORM_COULD_NOT_OPEN = (
    "I couldn't open the form in time. Press the button again, or answer here one step at a time."
)

SLACK_HOME_INTRO = "Ask me about keeping information safe in a direct message, or use `/ig` anywhere."

HOME_TITLE = "What's waiting for you"
HOME_GREETING = "Hello {name}."
HOME_WAITING_TITLE = "Waiting for you"
HOME_NOTHING_WAITING = "Nothing is waiting for you."
HOME_UNFINISHED = "You have something unfinished: *{label}*. Carry on where you left off, or cancel it."
HOME_CARRY_ON = "Carry on"
HOME_TRAINING_DUE = "Complete your *{course}* training."

SLACK_CHOSEN = "You chose *{label}*."

DECLINE = (
    "I'm not confident I know the answer to that, and I'd rather not guess about Information Governance. "
    "I can pass your question to the IG team, or you can email {dp_email}."
)

DECLINE_WITH_SUGGESTIONS = DECLINE + " If you meant one of these, pick it:"

CLOSE_CALL = "Your question could be about either of two things, so rather than guess, here are both answers."

NOT_ABOUT_IG = (
    "I don't think that's an Information Governance question, so I'll leave it to the people who know. "
    "I help with confidentiality, sharing information, records, keeping information secure and reporting "
    "incidents: type *help* to see what I can do. If it is about people's information after all, "
    "I can pass it to the IG team."
)

INCIDENT_PREFACE = (
    "It sounds as if something may have gone wrong. That's OK: reporting it quickly is the right thing to do. "
    "Here's what to do straight away:"
)

FEEDBACK_THANKS = "Thanks, that helps us keep the answers right."

FEEDBACK_SORRY = (
    "Sorry that didn't help. I've noted it for the IG team so they can improve the answer. "
    "Would you like me to pass your question to them?"
)

REFERRED = (
    "Saved for the IG team as Q-{reference}: they will see it in their inbox and answer you here. "
    "If it's urgent, email {dp_email}."
)

ASK_ANSWER = "What is your answer to {reference}? Write it as you would to the person who asked: I'll send it to them."
ASK_ENTRY = "Which knowledge base entry now answers {reference}? Give its id, such as `public-wifi`."
ANSWER_SENT = "Sent to the person who asked {reference}. It has left your inbox."
QUESTION_COVERED = "{reference} is now covered by *{title}*: it has left your inbox, and the same question no longer shows as a gap."
QUESTION_DISMISSED = "{reference} is dismissed and has left your inbox."
QUESTION_WAITING = "waiting for an answer"
NO_SUCH_QUESTION = "There is no question {reference} passed to the IG team. Type *inbox* to see the ones waiting."
QUESTION_CLOSED = "{reference} is no longer waiting: it was {resolution}."
NO_SUCH_ENTRY = "There is no entry `{entry}` in the knowledge base. `igbot kb check` lists every entry's id."
ASKER_UNREACHABLE = (
    "{reference} was asked by someone not in the staff directory, so igbot cannot reach them. "
    "Answer them another way, then type *dismiss {reference}*."
)
ANSWER_TITLE = "An answer from the IG team"
ANSWER_TEXT = "You asked:\n> {question}\n\n{answer}"
ANSWER_NOTE = "This answer was written by the IG team, not taken from igbot's knowledge base."

INBOX_TITLE = "The IG team's inbox"
INBOX_INTRO = "{count} item(s) waiting for the IG team, oldest first:"
INBOX_EMPTY = "Nothing is waiting for the IG team."
INBOX_MORE = "…and {count} more: run `igbot inbox` to see them all."
INBOX_NOT_IN_DIRECTORY = "someone not in the staff directory"
INBOX_STAFF = "a member of staff"
INBOX_HELP_LINE = (
    "*Inbox* (the IG team): `inbox` lists everything waiting for you; `answer Q-12 <your answer>` sends the "
    "asker your answer; `covered Q-12 by <entry id>` closes a question the knowledge base now answers."
)

YOU_ARE_WELCOME = "You're welcome. Ask me anything else, or type *help*."

STILL_IN_WORKFLOW = "You're still in the middle of *{workflow}*: pick an option to carry on, or type *cancel* to stop."

HOME_TRIAGE = (
    "{count} reported incident(s) waiting for triage: {references}. "
    "Type *triage {first}* in our direct messages to start."
)
