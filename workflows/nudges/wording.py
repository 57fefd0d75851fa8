"""What nudges and manager notes say: kind, short, and with record IDs only, never names of the people in them."""

NUDGE_TITLE = "A reminder from igbot"

TRAINING_NEVER = "You haven't completed *{course}* yet. Please complete it as soon as you can{where}."
TRAINING_OVERDUE = "Your *{course}* training ran out on {valid_until}. Please renew it as soon as you can{where}."
TRAINING_DUE_SOON = "Your *{course}* training runs out on {valid_until}. Please renew it before then{where}."
TRAINING_WHERE = ": {link}"

RECORDS_LATE = ("{count} waiting to be written up (our policy asks for a write-up within {hours} hours of the "
                "contact):")
RECORD_LINE = "- {record_id}, contact on {contacted}"
MORE_RECORDS = "- and {count} more"

NUDGE_FOOTER = ("If you've already done something here, press *Done* and I'll stop reminding you about it "
                "until the next update from HR or the case system.")

DONE_TRAINING = "Done: training"
DONE_RECORD = "Done: {record_id}"
DONE_ALL_RECORDS = "Done: all records"
REMIND_TOMORROW = "Remind me tomorrow"

THANKS_DONE = ("Thank you. I've noted that you've done {what}, and I won't remind you about it again unless the "
               "next update from HR or the case system says otherwise.")
THANKS_TOMORROW = "OK, I'll remind you on {day}."
NOTHING_TO_MARK = "There's nothing outstanding for that any more. Thank you."

MANAGER_TITLE = "Reminders that haven't worked"
MANAGER_INTRO = ("I've reminded these people in your team {at_most} times without a change. "
                 "Could you have a word with them?")
MANAGER_LINE = "- {name}: {what}"
IG_TEAM_INTRO = ("I've reminded these people {at_most} times without a change, and they have no manager "
                 "in the directory who can be told:")
WHAT_TRAINING = "{course} training {state}"
WHAT_RECORDS = "{count} not written up ({ids})"
