"""What broadcasts say to the people who receive them and to the IG team who send them."""

READ_BUTTON = "I've read this"
ACK_BY = "Please press *I've read this* by {day}."
ACK_ASKED = "Please press *I've read this* once you have read it."
INCIDENT_LINE = "This shares what we learnt from incident {reference}."
FROM_LINE = "From the IG team at {organisation}."

REMINDER_TITLE = "A reminder: {title}"
REMINDER_INTRO = "You haven't yet told me you've read this lesson from the IG team. It only takes a minute."

THANKS = "Thank you: I've recorded that you've read \u201c{title}\u201d."
READ_ON = "\u2713 You told me you've read this, on {day}."
ALREADY = "Thank you: you had already told me you'd read \u201c{title}\u201d, on {day}."
NOT_SENT_TO_YOU = "That broadcast wasn't sent to you, so there's nothing to acknowledge."
PREVIEW_BUTTON = "That was the preview: the real message's button records that the person has read it."

WAITING_LINE = "A lesson from the IG team to read and acknowledge: *{title}*{by}"
WAITING_BY = ", by {day}"
WAITING_READ = "I've read: {title}"
WAITING_SHOW = "Show: {title}"

HELP_LINE = ("*Broadcasts*: `broadcast` to send a lesson learnt; `broadcast list`, `broadcast edit ID`, "
             "`broadcast cancel ID`, `broadcast status ID`")
STATUS_HELP_LINE = "*Broadcast status*: `broadcast status ID` for who has read a broadcast (managers: in your team)"
STATUS_WHO = "the IG team and managers"
NOT_ALLOWED_STATUS = ("Only the IG team, or a manager for the people who report to them, can see who has read a "
                      "broadcast.")
NO_SUCH_BROADCAST = "There is no broadcast {broadcast_id}."

ASK_TITLE = "Let's write a broadcast. What is its title? (Type *cancel* at any time to stop.)"
ASK_BODY = ("What should it say? Markdown is fine: *bold*, lists and links. For a longer lesson with paragraphs, "
            "`igbot broadcast send --file lesson.md` reads it from a file.")
ASK_AUDIENCE = ("Who should receive it? *everyone*, *team:NAME* (several with commas), *role:manager*, "
                "*line:EMAIL* for a manager's whole reporting line, or *emails:a@example.org,b@example.org*.")
ASK_ACK_BY = "By when should people acknowledge it? A date such as 2026-12-04, or *none* if no acknowledgement is needed."
ASK_SEND_AT = "When should it go? *now*, or a date and time such as 2026-11-24 09:30."
CONFIRM = ("That is exactly what {count} will see, in Slack, Teams or the terminal. {unreachable}"
           "Send it {when}?")
UNREACHABLE_NOTE = "{count} can't be reached on Slack or Teams yet: the report will list them as unreachable. "
SEND_OR_DISCARD = "Shall I send it? Press *Send*, or *Cancel* to discard it."
NO_AUDIENCE = "Say who should receive it: everyone, team:NAME, role:ROLE, line:EMAIL or emails:a@example.org."
SEND = "Send"
SCHEDULE = "Schedule"
DISCARD = "Cancel"
SCHEDULED = "Broadcast {broadcast_id} is scheduled for {when}, to {count}. You can change it with `broadcast edit {broadcast_id}` or stop it with `broadcast cancel {broadcast_id}` before then."
SENDING_NOW = "Broadcast {broadcast_id} is going out now to {count}. See who has read it with `broadcast status {broadcast_id}`."
DROPPED = "OK, I've discarded that broadcast; nothing was sent."

FORM_TITLE = "New broadcast"
FORM_SUBMIT = "Preview"
FIELD_TITLE = "Title"
FIELD_BODY = "What it says (Markdown)"
FIELD_AUDIENCE = "Audience"
FIELD_AUDIENCE_HINT = "everyone, team:NAME, role:manager, line:EMAIL or emails:a@example.org,b@example.org"
FIELD_ACK_BY = "Acknowledge by (YYYY-MM-DD, or none)"
FIELD_SEND_AT = "Send at (now, or YYYY-MM-DD HH:MM)"
FIELD_INCIDENT = "Closed incident it comes from (optional, e.g. IG-2026-0007)"

LIST_EMPTY = "There are no broadcasts yet."
LIST_LINE = "- {broadcast_id}: *{title}* ({status}, {when}, {audience})"
EDITED = "Broadcast {broadcast_id} is changed: {what}."
EDIT_HOW = ("Say what to change, for example `broadcast edit {broadcast_id} title: New title`, `... send at: "
            "2026-11-24 09:30`, `... ack by: 2026-12-04`, `... audience: team:Harbour Recovery` or `... body: ...`.")
CANCELLED = "Broadcast {broadcast_id} is cancelled: it won't be sent."
TOO_LATE = "Broadcast {broadcast_id} has already gone out (or was cancelled), so it can't be changed now."

SENT_NOTE_TITLE = "Your broadcast went out"
SENT_NOTE = ("Broadcast {broadcast_id}, *{title}*, went out to {count}. {unreachable}"
             "See who has read it with `broadcast status {broadcast_id}`.")
SENT_UNREACHABLE = ("{count} can't be reached on Slack or Teams: they are listed as unreachable in "
                    "`igbot broadcast report {broadcast_id}`. ")

STATUS_TITLE = "Broadcast {broadcast_id}: {title}"
STATUS_SUMMARY = "{acknowledged} of {recipients} have read it ({rate})."
STATUS_NO_ACK = "It went to {recipients}; no acknowledgement was asked for."
STATUS_NOT_SENT = "It hasn't gone out yet ({status}, {when})."
STATUS_TEAM = "- {team}: {acknowledged} of {recipients} ({rate})"
STATUS_OUTSTANDING = "*Still to read it* ({count}):"
STATUS_PERSON = "- {name}, {team}{unreachable}"
STATUS_UNREACHABLE = " (not reachable on Slack or Teams)"
STATUS_MORE = "- and {count} more: `igbot broadcast report {broadcast_id} --csv` lists everyone."
STATUS_NOBODY = "Everyone has read it."
STATUS_YOUR_LINE = "These figures are for the people who report to you."
REMIND_BUTTON = "Remind them now"
REMINDED = "I've reminded {count}."

BLOCKED = ("I can't send this: it contains {found}. Broadcasts go to many people, so take personal data out "
           "and refer to people and incidents by reference only.")
BLOCKED_WHERE = "{kind} in the {where}"
