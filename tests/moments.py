"""Fixed moments the tests run at, so that none depends on the date it runs on."""

import datetime as dt

# Monday 23 November 2026, 10:00 in London (GMT, so also 10:00 UTC): every test's "now" unless it sets another.
MONDAY_MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
