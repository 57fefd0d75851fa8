"""What igbot says while reporting and managing incidents: one place, so the voice stays calm and consistent."""

HELP_LINE = "*Report an incident*: Tell the IG team quickly and safely when something has gone wrong."
REGISTER_HELP_LINE = (
    "*Incident register* (the IG team): `incidents` lists every open report; `triage IG-2026-0001`, "
    "`confirm IG-2026-0001`, `regrade IG-2026-0001`, `notified IG-2026-0001 <ICO reference>`, "
    "`not reportable IG-2026-0001 <reason>` and `close IG-2026-0001 <lessons learnt>` move a report on."
)
FOLLOW_UP_HELP_LINE = (
    "*Your reports*: `show IG-2026-0001` shows one you made; `add to IG-2026-0001 <what you found out>` "
    "adds to it."
)

INTRO = (
    "I'll ask {count} short questions, then give you a reference number and tell you what to do next. "
    "Type *back* to change your last answer or *cancel* to stop. If you stop part way, I keep what you've "
    "answered so far as a draft.\n\n"
    "Please don't type names, NHS numbers, dates of birth, addresses or phone numbers: use IDs or initials, "
    "as our policy asks."
)

FORM_INTRO = "Fill in the form to report the incident. Use IDs or initials, never names or other identifiers."

WHEN_HINT = "For example *now*, *today 14:30*, *yesterday 9am* or *21/11/2026 16:00*."
PEOPLE_FORM_HINT = "A rough number is fine; leave it empty if you're not sure."
NO_IDENTIFIERS_HINT = "Use IDs or initials, not names, NHS numbers or contact details."

QUESTION_HEADING = "*Question {number} of {total}*"

WELCOME_BACK = "You have an incident report in progress. Let's carry on where you left off."

FIRST_QUESTION = "This is the first question, so there's nothing to go back to."

EARLIER_BUTTON = "That button belongs to an earlier question. Here's where we are now:"

# answers that cannot be used
EMPTY_ANSWER = "Please type an answer, or *back* to go to the previous question."
TOO_LONG = "That's {length} characters; please keep it under {limit}. The IG team will ask for more detail if they need it."
PICK_ONE = "Please pick one of the {count} options, by its number or its name."
MISSING_ANSWER = "This needs an answer."
PEOPLE_NEGATIVE = "The number of people can't be negative. Roughly how many people are affected?"
PEOPLE_WHOLE = "Please give a whole number of people, for example *12*, or a range such as *10-20*."
PEOPLE_NOT_A_NUMBER = (
    "I couldn't read that as a number. Type a number such as *12*, a range such as *10-20*, or *not sure*."
)
PEOPLE_TOO_MANY = "{count} is more people than live in the UK: please check the number."
WHEN_NOT_UNDERSTOOD = "I couldn't read that as a date and time. " + WHEN_HINT
WHEN_NEEDS_TIME = "Please add a rough time of day too, for example *21/11/2026 16:00* or *yesterday 9am*."
WHEN_NO_SUCH_DATE = "That date doesn't exist; please check the day and month (day first, as in 21/11/2026)."
WHEN_IN_FUTURE = "That's in the future, so it can't be when {what}. Please check the date and time."
WHEN_TOO_OLD = "That's more than {years} years ago; please check the year."
DISCOVERED_BEFORE_HAPPENED = "It can't have been discovered before it happened: please check both times."

IDENTIFIERS_REMOVED = (
    "I took out what looked like personal details ({kinds}) and kept only the rest, because our policy asks us to use IDs or "
    "initials in reports. The IG team will ask for details through a safe route if they need them."
)

SUMMARY_HEADING = "Here's your report. Please check it before you send it."
SEND = "Send report"
CHANGE = "Change an answer"
BACK = "Back"
NOW = "Now"
CONFIRM_PROMPT = "Send it, or change an answer?"
WHICH_TO_CHANGE = "Which answer would you like to change?"
FORM_PROBLEMS = (
    "Nothing has been sent yet: some answers need another look. I've kept the rest, so we'll just go "
    "through these:"
)

RECEIVED_TITLE = "Incident reported: {reference}"
RECEIVED = "Thank you, {first_name}. Your report is stored as *{reference}*."
DO_NOW = "*Do this now*"
KEEP_EVIDENCE = "Don't delete emails, files or notes about it: the IG team may need them."
NEXT_HEADING = "*What happens next*"
NEXT_STEPS = (
    "It is saved, and the IG team will see it in their inbox. If it has to be reported to the ICO, that must happen "
    "by {deadline}: 72 hours after it was discovered, weekends included."
)
NEXT_STEPS_OVERDUE = (
    "It was discovered more than 72 hours ago, so if it has to be reported to the ICO that is already "
    "overdue: the IG team will treat it as urgent."
)
ADD_LATER = "To add something later, type *add to {reference}* followed by what you want to add."
ALSO_LOG = "Also log it in {incident_system}, as our incident policy asks, and quote *{reference}*: igbot's report does not replace it."
ADD_INFORMATION = "Add information"

# the IG team's channel
NEW_REPORT_TITLE = "New incident: {reference}"
REMINDER_TITLE = "Reminder: {reference} is {hours} hours old"
REMINDER = (
    "{reference} was discovered {hours} hours ago and is still {status}. The ICO deadline is {deadline}. "
    "Mark it notified, or not reportable with the reason (Art. 33(5))."
)
NOTE_ADDED = "More information was added to {reference} (see *show {reference}*)."
TRIAGE = "Triage"
SHOW = "Show"

DRAFT_REMINDER = (
    "You started reporting an incident on {started} but haven't sent it yet. Your answers so far are saved. "
    "Carry on now, or discard the draft if you no longer need it."
)
CARRY_ON = "Carry on"
DISCARD = "Discard draft"

# the register, for the IG team
NO_SUCH_INCIDENT = "There's no incident {reference}. References look like IG-2026-0042."
NOT_A_REFERENCE = "{text} isn't an incident reference. References look like IG-2026-0042."
NOT_YOURS = "Only the person who reported {reference} and the IG team can see or add to it."
NO_OPEN_INCIDENTS = "There are no incidents waiting to be closed."
OPEN_INCIDENTS = "*Incidents not yet closed* (oldest first), with their state:"
CONFIRM_GRADE = "Confirm suggested grade"
CHANGE_GRADE = "Change grade"
MARK_NOTIFIED = "Notified the ICO"
MARK_NOT_REPORTABLE = "Not reportable"
CLOSE = "Close"
TRIAGED = "{reference} is triaged: {grade}. Outcome: {outcome}."
NOTIFIED = "{reference} is marked as notified to the ICO. Close it with the lessons learnt once it's resolved."
NOT_REPORTABLE = "{reference} is recorded as not reportable, with your reason. Close it with the lessons learnt once it's resolved."
CLOSED = "{reference} is closed. Thank you for recording the lessons learnt."
NOTE_STORED = "Added to {reference}; the IG team will see it with the report."
ASK_LIKELIHOOD = "What likelihood should {reference} have?"
ASK_SEVERITY = "And what severity?"
ASK_GRADE_REASON = "Why this grade? (One or two sentences, for the register.)"
ASK_NOT_REPORTABLE_REASON = (
    "Why is {reference} not reportable? The reason is kept in the register, as Art. 33(5) requires."
)
ASK_LESSONS = "What lessons were learnt from {reference}? They're kept in the register when it closes."
ASK_NOTE = "What would you like to add to {reference}?"
ASK_ICO_REFERENCE = "What reference did the ICO give (type *none* if you don't have one yet)?"
NEEDS_TRIAGE = "{reference} hasn't been triaged yet: confirm or change its grade first."
ALREADY_CLOSED = "{reference} is closed, so it can't be changed."
CANNOT_CLOSE_YET = "{reference} can be closed once it's marked notified or not reportable."
ALREADY_DECIDED = "{reference} is already {status}."
GRADE_ALREADY_DECIDED = (
    "{reference} is already {status}, so its grade can no longer be changed: the decision was made on that grade. "
    "If something has come to light since, add it with *add to {reference}* so the register shows it."
)
BELOW_VULNERABLE_MINIMUM = (
    "{reference} involves children or vulnerable adults, so it is graded at least {minimum} on both scales."
)
PICK_GRADE = "Please pick a grade from 1 to 5."

OUTCOMES = {
    "not_reportable": "not reportable (recorded in the register)",
    "ico": "report to the ICO within 72 hours",
    "ico_and_dhsc": "report to the ICO and DHSC within 72 hours (through the DSPT incident tool)",
}

STATUSES = {
    "reported": "waiting for triage",
    "triaged": "triaged",
    "notified": "notified to the ICO",
    "not_reportable": "not reportable",
    "closed": "closed",
}

RECORD_SENT_PRIVATELY = (
    "I've sent you the full record of {reference} in a direct message, because others can see this "
    "conversation."
)
