"""The DSPT evidence pack, read as the IG officer and an auditor would: the page, the CSV files and the audit log.

The organisation and its hand-counted figures are described in evidence_world.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.core.profile import Profile
from evidence_world import AS_OF, BROADCAST_TITLE, LESSONS, NOW, REASON
from storage import audit
from storage.engine import session_scope
from storage.models import AuditEvent
from workflows.evidence import write_pack


def _pack(engine: Engine, profile: Profile, out: Path, *, as_of: dt.date = AS_OF, actor_id: int | None = None) -> Path:
    return write_pack(engine=engine, profile=profile, out=out, as_of=as_of, now=NOW, actor_id=actor_id)


def _csv(folder: Path, key: str, as_of: dt.date = AS_OF) -> list[dict[str, str]]:
    with (folder / f"{key}-{as_of.isoformat()}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _page_text(folder: Path) -> str:
    """What a reader sees on the page: the text without its markup, one space between words."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _figure(text: str, label: str) -> str:
    """The value printed beside a figure's label in a section's table of figures."""
    match = re.search(rf" {re.escape(label)} (.+?) ", text)
    assert match, f"no figure {label!r} on the page"
    return match.group(1)


def test_training_by_team_is_counted_as_by_hand(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    by_team = {row["team"]: (row["staff_in_post"], row["trained"], row["target_met"]) for row in _csv(folder, "training")}
    assert by_team == {"Harbour Recovery": ("8", "7", "no"), "Northgate Young People": ("7", "6", "no"),
                       "Riverside Housing Support": ("6", "6", "yes"), "Central Office": ("6", "6", "yes")}
    text = _page_text(folder)
    assert "Trained 25 (92.6%) staff in post whose latest completion of Keeping Information Safe on or before the " \
           "as-of date is within its 12-month validity on that date completions from 24 November 2025 to " \
           "23 November 2026" in text
    assert "Target met no" in text and "Teams below the target 2 of 4" in text


def test_every_file_is_dated_and_every_figure_has_a_definition_and_period(world: Engine, profile: Profile,
                                                                           tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    assert folder.parent == tmp_path and folder.name == "dspt-evidence-2026-11-23-made-20261123T100000Z"
    for path in folder.glob("*.csv"):
        assert path.name.endswith("-2026-11-23.csv")
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                assert (row["as_of"], row["generated_at"]) == ("2026-11-23", "2026-11-23T10:00:00+00:00")
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["index.html"] + [f"{key}-2026-11-23.csv" for key in
                          ("staff-and-roles", "training", "incidents", "acknowledgements", "leavers", "policies",
                           "audit-log")])
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-11-23">23 November 2026</time>' in page
    assert '<time datetime="2026-11-23T10:00:00+00:00">23 November 2026 at 10:00 (GMT)</time>' in page
    for figures in re.findall(r'<table class="figures">(.*?)</table>', page, flags=re.S):
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", figures):
            definition, period = re.findall(r"<td>(.*?)</td>", row)
            assert definition and period, row
    for item in ("1.1.5", "4.1.1", "3.2.1", "6.1.1", "5.1.1", "4.2.4", "1.3.1"):
        assert item in page


def test_staff_and_leads_come_from_the_directory_and_the_profile(world: Engine, profile: Profile,
                                                                  tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    roles = {row["role"]: row for row in _csv(folder, "staff-and-roles")}
    assert roles["Senior Information Risk Owner"]["named_in_profile"] == profile.roles.siro.name
    assert roles["Senior Information Risk Owner"]["holders"] == "Graham Whitlock (Director of Operations, Central Office)"
    assert roles["Data Protection Officer"]["holders"].startswith("Beatrix Nolan")
    assert roles["Member of staff"]["staff_in_post_with_role"] == "27"
    assert "Staff in post 27 " in _page_text(folder)


def test_leavers_in_the_period_with_their_access(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    leavers = [(row["name"], row["left_on"], row["access_removed"]) for row in _csv(folder, "leavers")]
    assert leavers == [("'@Ned Ashworth", "2026-10-31", "yes"), ("Zara McIntyre", "2026-11-20", "no")]
    text = _page_text(folder)
    assert "Leavers 2 " in text and "Access removed 1 (50.0%)" in text and "Access not yet removed 1 " in text
    assert "Felix Hartmann" not in text, "he leaves after the as-of date"


def test_incidents_with_their_decisions_and_lessons(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    rows = _csv(folder, "incidents")
    assert [(row["reference"], row["decision"], row["within_72_hours"]) for row in rows] == [
        ("IG-2026-0001", "notified to the ICO", "yes"), ("IG-2026-0002", "recorded as not reportable", ""),
        ("IG-2026-0003", "awaiting a decision", "")]
    assert rows[0]["ico_reference"] == "ICO-1234" and rows[0]["closed_at"] == "2026-04-01 12:00 UTC"
    text = _page_text(folder)
    for label, value in (("Incidents reported", "3"), ("Notified to the ICO", "1"), ("Recorded as not reportable", "1"),
                         ("Awaiting a decision", "1"), ("Closed with lessons learnt", "1")):
        assert _figure(text, label) == value, label
    assert "Notified within 72 hours 1 of 1" in text
    assert "A referral went to the wrong practice" not in text, "what happened is not part of the evidence"


def test_stored_text_is_escaped_on_the_page(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Check the recipient &amp; the address book" in page
    assert LESSONS in _page_text(folder), "the reader still sees exactly what was written"


def test_csv_cells_cannot_run_as_formulas(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    [_, second, _] = _csv(folder, "incidents")
    assert second["reason_not_reported"] == "'" + REASON
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.reader(file):
                assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row), (path.name, row)


def test_overdue_policies_are_shown(world: Engine, profile: Profile, tmp_path: Path) -> None:
    due_today = profile.model_copy(update={"policies": [
        profile.policies[0], profile.policies[1].model_copy(update={"next_review": AS_OF})]})
    folder = _pack(world, due_today, tmp_path)
    states = {row["reference"]: row["review_state"] for row in _csv(folder, "policies") if row["kind"] == "policy"}
    assert states == {"DQ402": "overdue", "DQ199": "in date"}, "on its review date a policy is due, not overdue"
    text = _page_text(folder)
    assert "Overdue for review: DQ402 Data Security and Protection Policy, due 1 December 2023." in text
    assert "Policies overdue for review 1 " in text


def test_the_as_of_date_decides_what_counts(world: Engine, profile: Profile, tmp_path: Path) -> None:
    """As of 2 March 2026: June's completions and the leavers of October and November had not happened."""
    as_of = dt.date(2026, 3, 2)
    folder = _pack(world, profile, tmp_path, as_of=as_of)
    training = {row["team"]: (row["staff_in_post"], row["trained"]) for row in _csv(folder, "training", as_of)}
    assert training["Harbour Recovery"] == ("8", "1"), "only Sam's October 2025 completion counts then"
    assert training["Riverside Housing Support"] == ("7", "0"), "Ned had not left yet; Callum had"
    assert training["Central Office"] == ("7", "0"), "nor had Zara"
    leavers = [(row["name"], row["left_on"]) for row in _csv(folder, "leavers", as_of)]
    assert leavers == [("Callum Tennant", "2025-06-01")]
    incidents = [(row["reference"], row["decision"], row["lessons_learnt"]) for row in _csv(folder, "incidents", as_of)]
    assert incidents == [("IG-2025-0001", "awaiting a decision", ""), ("IG-2026-0001", "awaiting a decision", "")], \
        "the first of 2026 was notified and closed only later; the one of October 2025 is in this period"


def test_making_a_pack_is_in_the_audit_log_with_each_file_hash(world: Engine, profile: Profile, tmp_path: Path,
                                                                harriet_id: int) -> None:
    folder = _pack(world, profile, tmp_path, actor_id=harriet_id)
    with session_scope(world) as session:
        event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert audit.verify(session=session) is None
    assert event is not None and event.action == "evidence.dspt_pack" and event.actor_id == harriet_id
    assert event.details["as_of"] == "2026-11-23" and event.subject == folder.name
    for name, digest in event.details["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "Harriet Osei, IG Officer" in _page_text(folder)
    assert "Intact yes" in _page_text(folder)


def test_acknowledgement_of_lessons_learnt(world: Engine, profile: Profile, tmp_path: Path) -> None:
    folder = _pack(world, profile, tmp_path)
    rows = [(row["title"], row["incident_reference"], row["acknowledgement_asked"], row["recipients"],
             row["acknowledged"], row["acknowledged_by_ack_by"]) for row in _csv(folder, "acknowledgements")]
    assert rows == [(BROADCAST_TITLE, "IG-2026-0001", "yes", "28", "25", "20"),
                    ("DQ404 updated", "", "no", "3", "", "")]
    text = _page_text(folder)
    for label, value in (("Broadcasts sent", "2"), ("Asking for acknowledgement", "1"), ("Staff asked", "28")):
        assert _figure(text, label) == value, label
    assert "Acknowledged 25 (89.3%)" in text and "Acknowledged by the day asked 20 of 28" in text
    assert "&lt;i&gt;Lesson&lt;/i&gt;" in (folder / "index.html").read_text(encoding="utf-8")


def test_acknowledgements_after_the_as_of_date_do_not_count(world: Engine, profile: Profile, tmp_path: Path) -> None:
    """As of 30 April 2026: May's acknowledgements had not been given, and Ned was still in post."""
    as_of = dt.date(2026, 4, 30)
    [lesson] = _csv(_pack(world, profile, tmp_path, as_of=as_of), "acknowledgements", as_of)
    assert (lesson["recipients"], lesson["acknowledged"], lesson["acknowledged_by_ack_by"]) == ("29", "20", "20")


def test_the_page_is_built_for_screen_readers_and_print(world: Engine, profile: Profile, tmp_path: Path) -> None:
    page = (_pack(world, profile, tmp_path) / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert page.count("<h1>") == 1 and '<a class="skip" href="#sections">' in page
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    assert len(tables) >= 14
    for table in tables:
        assert "<caption>" in table and '<th scope="col">' in table, table[:200]
    assert "@media print" in page and "display: table-header-group" in page


def test_a_pack_that_fails_half_way_leaves_nothing_behind(world: Engine, profile: Profile, tmp_path: Path) -> None:
    with session_scope(world) as session:
        events = audit.checkpoint(session=session).count

    def interrupted(label: str) -> None:
        if label == "Leavers":
            raise KeyboardInterrupt

    out = tmp_path / "evidence"
    with pytest.raises(KeyboardInterrupt):
        write_pack(engine=world, profile=profile, out=out, as_of=AS_OF, now=NOW, progress=interrupted)
    assert list(out.iterdir()) == [], "no folder, finished or not, that could be taken for evidence"
    with session_scope(world) as session:
        assert audit.checkpoint(session=session).count == events
