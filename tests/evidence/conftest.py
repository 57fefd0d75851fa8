"""The hand-counted organisation of evidence_world.py, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.core.profile import Profile
from evidence_world import HARRIET, build
from nudge_world import staff_id


@pytest.fixture
def world(engine: Engine, profile: Profile) -> Engine:
    build(engine, profile)
    return engine


@pytest.fixture
def harriet_id(world: Engine) -> int:
    return staff_id(world, HARRIET)
