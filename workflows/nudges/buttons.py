"""The buttons on a nudge: "Done" (the person's own statement) and "Remind me tomorrow"."""

from __future__ import annotations

import datetime as dt

from bot.core.chat import Reply
from bot.core.conversation import Turn
from bot.core.working_time import WorkingCalendar
from storage import nudges
from storage.nudges import RECORD_PREFIX, TRAINING
from workflows.nudges import wording


class NudgeButtons:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar

    def __call__(self, turn: Turn, value: str) -> list[Reply]:
        person = turn.require_person()
        assert person.id is not None
        verb, _, item = value.partition(":")
        open_items = {state.item: state for state in nudges.get_open(session=turn.session, staff_id=person.id)}
        if verb == "tomorrow":
            return [self._tomorrow(turn, person.id, list(open_items))]
        if verb != "done":
            return [Reply(text=wording.NOTHING_TO_MARK)]
        chosen = ([name for name in open_items if name.startswith(RECORD_PREFIX)] if item == "all-records"
                  else [item] if item in open_items else [])
        if not chosen:
            return [Reply(text=wording.NOTHING_TO_MARK)]
        for name in chosen:
            nudges.say_done(session=turn.session, staff_id=person.id, item=name, now=turn.now)
        return [Reply(text=wording.THANKS_DONE.format(what=_what(chosen, turn)))]

    def _tomorrow(self, turn: Turn, staff_id: int, items: list[str]) -> Reply:
        day = self.calendar.add_working_days(turn.today, 1)
        at = dt.time.fromisoformat(turn.profile.nudges.time)
        until = dt.datetime.combine(day, at, tzinfo=self.calendar.zone).astimezone(dt.UTC)
        nudges.snooze(session=turn.session, staff_id=staff_id, items=items, until=until)
        return Reply(text=wording.THANKS_TOMORROW.format(day=f"{day:%A} {day.day} {day:%B}"))


def _what(items: list[str], turn: Turn) -> str:
    if items == [TRAINING]:
        return f"your {turn.profile.training.name} training"
    ids = [item.removeprefix(RECORD_PREFIX) for item in items if item != TRAINING]
    return "the write-up of " + ", ".join(ids)
