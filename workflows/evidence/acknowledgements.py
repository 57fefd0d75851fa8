"""Acknowledgement of lessons learnt and policy updates sent as broadcasts (DSPT 5.1.1)."""

from __future__ import annotations

from sqlmodel import Session

from workflows.evidence.model import Figure, Period, Section, Table

NO_DATA = "No broadcast data available: this igbot does not yet record broadcasts and their acknowledgements."


def acknowledgements(*, session: Session, period: Period) -> Section:
    return Section(
        key="acknowledgements", title="Acknowledgement of lessons learnt and policy updates", evidence=("5.1.1",),
        summary="Lessons learnt and policy updates sent to staff as broadcasts, and how many staff acknowledged them.",
        figures=[Figure("Broadcasts", "no data", "broadcasts sent in the period that asked staff to acknowledge them",
                        period.describe())],
        table=Table(caption=f"Broadcasts sent from {period.describe()}", columns=("broadcast",),
                    headings=("Broadcast",), rows=[]),
        notes=[NO_DATA],
    )
