"""A card press Teams sent once, replayed (the same activity id): acted on once."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select
from teams_fakes import FakeConnector, Igbot, TeamsUser

from storage.curation import CurationItem
from storage.engine import session_scope


async def test_a_replayed_card_press_is_acted_on_once(igbot: Igbot, connector: FakeConnector, sam: TeamsUser,
                                                      engine: Engine) -> None:
    await igbot.post(sam.says(connector.url, "can I wear smart glasses that record video on a home visit?"))
    [answer] = await connector.wait_for(1)
    press = sam.presses(connector.url, answer.buttons["Ask the IG team"])
    for _ in range(3):
        assert (await igbot.post(press))[0] == 200
    await igbot.post(sam.says(connector.url, "help"))
    [*_, last] = await connector.wait_for(3)
    assert "Hello Sam Okafor" in last.text
    assert len(connector.sent) == 3
    with session_scope(engine) as session:
        referred = session.exec(select(CurationItem).where(CurationItem.signal == "referred")).all()
        assert len(referred) == 1
