"""The report's figures against a hand-counted fixture: the demo organisation's 30 people in four teams.

Sent to everyone. Acknowledged: Harbour Recovery 3 of 8 (Sam, Tomasz, Aisha), Northgate Young People 2 of 7
(Kwame, and Lily, who then left), Riverside Housing Support 0 of 8 less Ned, who left without reading it,
so 0 of 7, Central Office 7 of 7. Overall 12 of 29 (41%); 17 outstanding.
Rachel's reporting line (her 7 reports): 3 of 7 (43%). Kwame's (his 6 reports): Lily only, 1 of 6.
"""

import csv
import io
from collections import Counter

from sqlalchemy import Engine

from bot.core.profile import Profile
from broadcast_world import link_slack, sent_broadcast, staff_id
from moments import MONDAY_MORNING
from storage import broadcasts, directory
from storage.broadcasts import TeamAcknowledgement
from storage.engine import session_scope
from workflows.broadcasts import report, send

READ = ["sam.okafor", "tomasz.wierzba", "aisha.qureshi", "kwame.asante", "lily.pemberton", "harriet.osei",
        "beatrix.nolan", "graham.whitlock", "owen.tregarthen", "lucia.ferreira", "felix.hartmann", "zara.mcintyre"]


def _fixture(engine: Engine, profile: Profile) -> int:
    link_slack(engine, "connor.blaise@example.org", "UCONNOR")
    broadcast_id = sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "everyone", "values": []})
    with session_scope(engine) as session:
        for name in READ:
            send.acknowledge(session=session, broadcast_id=broadcast_id, staff_id=staff_id(engine, f"{name}@example.org"),
                             on="slack", now=MONDAY_MORNING)
        for leaver in ("lily.pemberton", "ned.ashworth"):
            member = directory.get_by_email(session=session, email=f"{leaver}@example.org")
            assert member is not None
            member.active = False
            session.add(member)
    return broadcast_id


def test_the_figures_by_team_and_overall_match_the_hand_count(engine: Engine, profile: Profile) -> None:
    broadcast_id = _fixture(engine, profile)
    with session_scope(engine) as session:
        assert broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast_id) == [
            TeamAcknowledgement("Central Office", 7, 7), TeamAcknowledgement("Harbour Recovery", 8, 3),
            TeamAcknowledgement("Northgate Young People", 7, 2), TeamAcknowledgement("Riverside Housing Support", 7, 0)]
        assert len(broadcasts.outstanding(session=session, broadcast_id=broadcast_id)) == 17
        broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert broadcast is not None
        shown = report.status(broadcast, session=session, profile=profile, among=None).text
    assert "12 of 29 people have read it (41%)." in shown
    assert "- Riverside Housing Support: 0 of 7 (0%)" in shown and "Ned Ashworth" not in shown
    assert "*Still to read it* (17):" in shown
    assert "- Connor Blaise, Harbour Recovery\n" in shown
    assert "- Dev Ramaswamy, Harbour Recovery (not reachable on Slack or Teams)" in shown


def test_a_manager_sees_only_their_own_reporting_line(engine: Engine, profile: Profile) -> None:
    broadcast_id = _fixture(engine, profile)
    with session_scope(engine) as session:
        broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert broadcast is not None
        for email, figures, outstanding in (("rachel.dunmore@example.org", "3 of 7 people have read it (43%)", 4),
                                            ("kwame.asante@example.org", "1 of 6 people have read it (17%)", 5)):
            manager = directory.get_by_email(session=session, email=email)
            assert manager is not None
            among = report.scope_for(session=session, viewer=manager)
            shown = report.status(broadcast, session=session, profile=profile, among=among).text
            assert figures in shown and f"*Still to read it* ({outstanding}):" in shown
            assert "Zara McIntyre" not in shown


def test_the_csv_has_one_dated_row_per_counted_recipient(engine: Engine, profile: Profile) -> None:
    broadcast_id = _fixture(engine, profile)
    out = io.StringIO()
    with session_scope(engine) as session:
        broadcast = broadcasts.get(session=session, broadcast_id=broadcast_id)
        assert broadcast is not None
        written = report.write_csv(broadcast, session=session, among=None, out=out, today=MONDAY_MORNING.date())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == len(rows) == 29
    assert Counter(row["status"] for row in rows) == {"acknowledged": 12, "unreachable": 16, "outstanding": 1}
    assert {row["report_date"] for row in rows} == {"2026-11-23"}
    assert [row["team"] for row in rows] == sorted(row["team"] for row in rows)
