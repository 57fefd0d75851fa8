"""Keeping a person's place: what they set aside, and the replies that offer it back instead of losing it.

`cancel` sets a workflow aside with its answers; `discard` deletes it only after asking; starting
something else asks before anything unfinished is thrown away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core import wording
from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.turn import Command, Workflow, label_of, start_action


@dataclass(frozen=True)
class Saved:
    """What a person is doing, or has set aside (`paused`), with its progress."""

    resumable: Workflow | Command
    data: dict[str, Any]
    paused: bool = False


def carry_on_or_discard(resumable: Workflow | Command) -> tuple[Choice, ...]:
    return (Choice(wording.HOME_CARRY_ON, start_action(resumable.name), ChoiceStyle.PRIMARY),
            Choice(wording.DISCARD, "discard:"))


def set_aside(resumable: Workflow | Command, *, reminder: bool = False) -> Reply:
    text = wording.SET_ASIDE_REMINDER if reminder else wording.SET_ASIDE
    return Reply(text=text.format(label=label_of(resumable)), choices=carry_on_or_discard(resumable))


def confirm_discard(resumable: Workflow | Command) -> Reply:
    return Reply(text=wording.CONFIRM_DISCARD.format(label=label_of(resumable)),
                 choices=(Choice(wording.DISCARD_YES, "discard:confirm", ChoiceStyle.DANGER),
                          Choice(wording.DISCARD_NO, "keep:")))


def replace_or_carry_on(unfinished: Workflow | Command, new: Workflow) -> Reply:
    label, new_label = label_of(unfinished), label_of(new)
    return Reply(text=wording.REPLACE_UNFINISHED.format(label=label, new=new_label),
                 choices=(Choice(wording.CARRY_ON_WITH.format(label=label), start_action(unfinished.name),
                                 ChoiceStyle.PRIMARY),
                          Choice(wording.DISCARD_AND_START.format(new=new_label), f"replace:{new.name}",
                                 ChoiceStyle.DANGER)))
