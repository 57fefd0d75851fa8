"""Per-person conversation state, stored so that a restart loses nothing."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage.models import ConversationState
from storage.types import utcnow


def get(*, session: Session, staff_id: int) -> ConversationState | None:
    return session.exec(select(ConversationState).where(ConversationState.staff_id == staff_id)).first()


def save(*, session: Session, staff_id: int, workflow: str, data: dict[str, Any]) -> ConversationState:
    state = get(session=session, staff_id=staff_id)
    if state is None or state.workflow != workflow:
        if state is not None:
            session.delete(state)
            session.flush()
        state = ConversationState(staff_id=staff_id, workflow=workflow, data=data)
    else:
        state.data = dict(data)
        state.updated_at = utcnow()
    session.add(state)
    session.flush()
    return state


def clear(*, session: Session, staff_id: int) -> None:
    state = get(session=session, staff_id=staff_id)
    if state is not None:
        session.delete(state)
        session.flush()
