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
    "Type *cancel* at any point to stop what we're doing. "
    "For anything I can't help with, email {dp_email}."
)

CANCELLED = "OK, I've stopped that. Nothing more will be sent. Ask me anything, or type *help*."

NOTHING_TO_CANCEL = "There's nothing in progress to cancel. Ask me anything, or type *help*."

NOT_IN_DIRECTORY = (
    "I can't find you in {org_name}'s staff directory, so I can only give general answers. "
    "To report an incident or use the guided checks, ask the IG team to add you: {dp_email}."
)

STALE_BUTTON = "That button belongs to something that has already finished. Type *help* to start again."

NOT_ALLOWED = "Only {roles} can do that. If you think you should be able to, ask the IG team."

NOT_UNDERSTOOD_CHOICE = "Please pick one of the options ({choices}), or type *cancel* to stop."

PERSONAL_DATA_WARNING = (
    "Please don't paste personal details (names, NHS numbers, dates of birth, addresses or phone "
    "numbers) into chat. I haven't stored them. Use an ID or initials instead, as our policy asks."
)
