"""Policies and the knowledge base with their review dates, and which are overdue on the as-of date (DSPT 1.3.1).

Overdue means the review date is before the as-of date, the rule `igbot profile check` and
`igbot kb check --as-of` apply: on the review date itself a policy is due, not overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from bot.core.profile import Profile
from knowledge.entries import Entry, load_entries
from workflows.evidence.model import Figure, Period, Section, Table, day

POLICY = "policy"
ENTRY = "knowledge base entry"
OVERDUE = "overdue"
NO_DATE = "no review date"


def review_state(review_by: dt.date | None, *, as_of: dt.date) -> str:
    if review_by is None:
        return NO_DATE
    return OVERDUE if review_by < as_of else "in date"


def policies(*, profile: Profile, period: Period, entries: Sequence[Entry] | None = None) -> Section:
    as_of = period.ends_on
    entries = load_entries() if entries is None else entries
    overdue_policies = [p for p in profile.policies if review_state(p.next_review, as_of=as_of) == OVERDUE]
    undated = [p for p in profile.policies if p.next_review is None]
    overdue_entries = [e for e in entries if review_state(e.review_by, as_of=as_of) == OVERDUE]
    when = period.on_the_day()
    figures = [
        Figure("Policies", f"{len(profile.policies)}", "policies listed in the organisation profile", when),
        Figure("Policies overdue for review", f"{len(overdue_policies)}",
               "policies whose next review date is before the as-of date", when),
        Figure("Policies without a review date", f"{len(undated)}",
               "policies the profile lists without a next review date", when),
        Figure("Knowledge base entries overdue for review", f"{len(overdue_entries)} of {len(entries)}",
               "curated answers whose review_by date is before the as-of date", when),
    ]
    notes = [f"Overdue for review: {p.number} {p.title}, due {day(p.next_review)}." for p in overdue_policies
             if p.next_review is not None]
    return Section(
        key="policies", title="Policies and their review dates", evidence=("1.3.1",),
        summary=("The organisation's policies from its profile, and the knowledge base's curated answers that staff "
                 "are given, each with its review date and whether it is overdue."),
        figures=figures,
        table=Table(caption=f"Policies and knowledge base entries with their review dates, overdue first, {when}",
                    columns=("kind", "reference", "title", "version", "owner", "review_by", "review_state"),
                    headings=("Kind", "Reference", "Title", "Version", "Owner", "Review by", "Review"),
                    rows=list(_rows(profile, entries, as_of))),
        notes=notes,
    )


def _rows(profile: Profile, entries: Sequence[Entry], as_of: dt.date) -> Iterator[tuple[object, ...]]:
    rows = [(POLICY, p.number, p.title, p.version or "", "", p.next_review, review_state(p.next_review, as_of=as_of))
            for p in profile.policies]
    rows += [(ENTRY, e.id, e.title, "", e.owner or "", e.review_by, review_state(e.review_by, as_of=as_of))
             for e in entries]
    order = {OVERDUE: 0, NO_DATE: 1}
    for kind, reference, title, version, owner, review_by, state in sorted(
            rows, key=lambda row: (order.get(row[6], 2), row[0] != POLICY, row[5] or dt.date.max, row[1])):
        yield (kind, reference, title, version, owner, review_by.isoformat() if review_by else "", state)
