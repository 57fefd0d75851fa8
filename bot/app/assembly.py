"""Putting igbot together: settings, profile, database, knowledge and workflows, built once at start."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from bot.admin.command import install as install_dashboard_command
from bot.admin.setup import with_local_defaults
from bot.core.assistant import Assistant
from bot.core.clock import Clock
from bot.core.conversation import Conversation
from bot.core.database import open_database, seed_demo
from bot.core.profile import Profile, load_profile
from bot.core.settings import Settings
from storage.engine import create_no_wait_engine


def build_assistant(settings: Settings, *, clock: Clock | None = None) -> Assistant:
    clock = clock or Clock()
    profile = load_profile(settings.profile_path)
    engine = open_database(settings)
    if settings.uses_embedded_database:
        seed_demo(engine, profile, clock=clock)
    conversation = build_conversation(profile, engine, clock=clock)
    install_dashboard_command(conversation, with_local_defaults(settings))
    return Assistant(settings=settings, profile=profile, engine=engine, conversation=conversation)


def build_conversation(profile: Profile, engine: Engine, *, clock: Clock | None = None) -> Conversation:
    from knowledge.answers import KnowledgeAnswerer

    conversation = Conversation(engine=engine, profile=profile, answerer=KnowledgeAnswerer.load(profile),
                                no_wait_engine=create_no_wait_engine(engine), clock=clock or Clock())
    for install in _installers():
        install(conversation)
    return conversation


def _installers() -> list[Callable[[Conversation], None]]:
    from knowledge import answers
    from workflows import (audit_checkpoint, broadcasts, dead_letters, decisions, digests, inbox, incidents, nudges,
                           retention, training)

    return [answers.install, decisions.install, training.install, incidents.install, dead_letters.install, inbox.install,
            nudges.install, digests.install, broadcasts.install, audit_checkpoint.install, retention.install]
