"""What the dashboard says to people, in one place."""

from __future__ import annotations

LINK_SENT_PRIVATELY = "I've sent you a link to the dashboard in a direct message. It works once, for 10 minutes."
LINK = "Here is your link to the IG dashboard: {url}\nIt works once, for the next 10 minutes, and only for you."
LINK_TITLE = "Your dashboard link"
NOT_FOR_YOU = ("The dashboard is for the IG team and line managers; if you need something from it, "
               "{ig_officer} can help.")
NOT_SET_UP = ("The dashboard is not set up yet: whoever looks after igbot needs to set IGBOT_PUBLIC_URL and "
              "IGBOT_SECRET_KEY.")
HELP_LINE = "*Dashboard*: type `dashboard` for a link to the IG dashboard"
OFF = ("The dashboard is off: set IGBOT_SECRET_KEY (a long random value, the same on every replica) "
       "to serve it.\n")

REFUSED = {
    "not_valid": ("This link is not valid", "It may have been copied incompletely or changed."),
    "expired": ("This link has expired", "Sign-in links work for 10 minutes."),
    "used": ("This link has already been used", "Each sign-in link works once."),
    "someone_else": ("This link is for someone else", "You are signed in as another person: sign out first."),
    "not_allowed": ("This link cannot sign you in", "The dashboard is for the IG team and line managers."),
}
ASK_AGAIN = "For a new link, type “dashboard” to igbot in Slack, Teams or the terminal."

SIGNED_OUT = ("You are signed out", "")
SESSION_ENDED = ("Your session has ended", "You were away for a while, so you were signed out to keep the data safe.")
NOT_SIGNED_IN = ("Please sign in", "")
FORBIDDEN = ("You cannot see this page", "It shows information only the IG team, or the person's own line manager, "
             "can see. If you think you should see it, ask {ig_officer}.")
NOT_FOUND = ("There is nothing here", "The address may be mistyped, or what it pointed to has gone.")
STALE_FORM = ("This form has expired", "Go back, reload the page and try again: nothing was changed.")
BAD_INPUT = ("That did not work", "{problem}")
BROKEN = ("Something went wrong", "Nothing was changed. If it happens again, give whoever looks after igbot the "
          "reference {reference}.")

CLOCK_URGENT = "under 12 hours"
CLOCK_SOON = "under 24 hours"
CLOCK_OVERDUE = "overdue"
CLOCK_OK = "more than 24 hours"

DONE = {
    "triaged": "Triaged with the suggested grade.",
    "regraded": "The grade was changed and the reason recorded.",
    "notified": "Marked as notified to the ICO: the clock has stopped.",
    "not_reportable": "Recorded as not reportable, with the reason.",
    "closed": "Closed, with the lessons learnt.",
    "covered": "The question is closed as covered by the knowledge base.",
    "dismissed": "The question is dismissed.",
}
