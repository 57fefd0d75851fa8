"""A synthetic organisation of any size, as the three CSV files HR and the case system would export.

Invented names and example.org addresses only. Teams of about ten under a manager, managers under
directors; a few leavers and people on leave; most people reachable on Slack, some on Teams, a
few on neither; training histories that leave most people current and some due soon, overdue or
never trained; contact records over the last month, a few not written up. The same seed invents
the same organisation.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from bot.core.profile import Profile
from storage.training import add_months

FIRST = ("Ada", "Bram", "Cleo", "Dara", "Eli", "Fen", "Gus", "Hana", "Ines", "Jory", "Kit", "Lior", "Mina", "Nico",
         "Oona", "Pax", "Quin", "Rhea", "Sol", "Tove", "Uma", "Vid", "Wren", "Xan", "Yara", "Zeb")
LAST = ("Ashdown", "Brackley", "Corran", "Dunmere", "Elsworth", "Farrow", "Gildea", "Hollin", "Ixley", "Jessop",
        "Kestle", "Lanyon", "Morrow", "Nettle", "Orrin", "Pellow", "Quarry", "Rook", "Stennett", "Trelawn",
        "Underhay", "Vesey", "Wark", "Yelland", "Zennor")
SERVICES = ("Recovery", "Young People", "Housing Support", "Outreach", "Family Support", "Community")
PLACES = ("Harbour", "Northgate", "Riverside", "Eastfield", "Westmoor", "Southbank", "Hilltop", "Millbrook")
TEAM_SIZE = 10
MANAGERS_PER_DIRECTOR = 20

STAFF_COLUMNS = ("employee_id", "name", "email", "team", "job_title", "manager_email", "roles", "slack_id",
                 "teams_id", "start_date", "leaving_date", "on_leave_until")


def write_csvs(folder: Path, *, staff: int, seed: int, profile: Profile, now: dt.datetime) -> list[Path]:
    """staff.csv, training.csv and records.csv in `folder`; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    chance = random.Random(seed)
    today = now.astimezone(profile.working_hours.zone).date()
    paths = [folder / "staff.csv", folder / "training.csv", folder / "records.csv"]
    with (paths[0].open("w", newline="", encoding="utf-8") as people_file,
          paths[1].open("w", newline="", encoding="utf-8") as training_file,
          paths[2].open("w", newline="", encoding="utf-8") as records_file):
        people, courses, contacts = csv.writer(people_file), csv.writer(training_file), csv.writer(records_file)
        people.writerow(STAFF_COLUMNS)
        courses.writerow(("employee_id", "course", "completed_on"))
        contacts.writerow(("record_id", "worker_email", "contact_time", "write_up_time"))
        for number in range(1, staff + 1):
            row = _person(number, chance, today)
            people.writerow(row)
            if not row[10] or dt.date.fromisoformat(row[10]) > today:
                courses.writerows(_training(row[0], chance, profile, today))
                contacts.writerows(_records(number, row[2], chance, now))
    return paths


def _email(number: int) -> str:
    return f"{FIRST[number % len(FIRST)].lower()}.{LAST[(number // len(FIRST)) % len(LAST)].lower()}.{number}@example.org"


def _person(number: int, chance: random.Random, today: dt.date) -> list[str]:
    """Person 1 directs everyone; every MANAGERS_PER_DIRECTOR-th team lead is a director; others lead a team of ten."""
    team_index = (number - 1) // TEAM_SIZE
    lead = team_index * TEAM_SIZE + 1
    if number == 1:
        manager, roles, title = "", "staff;manager;siro", "Chief Executive"
    elif number == lead:
        director = (team_index // MANAGERS_PER_DIRECTOR) * MANAGERS_PER_DIRECTOR * TEAM_SIZE + 1
        manager = _email(director if director != number else 1)
        roles, title = "staff;manager", "Service Manager"
    else:
        manager, roles, title = _email(lead), "staff", "Recovery Worker"
    if number == 2:
        roles, title = "staff;ig_officer", "IG Officer"
    team = f"{PLACES[team_index % len(PLACES)]} {SERVICES[(team_index // len(PLACES)) % len(SERVICES)]} {team_index + 1}"
    reach = chance.random()
    started = today - dt.timedelta(days=chance.randint(30, 3650))
    away = chance.random()
    served = (today - started).days  # a leaver left after they started, within the last three months
    leaving = (today - dt.timedelta(days=chance.randint(1, min(90, served)))).isoformat() if away < 0.03 and number > 2 else ""
    on_leave = (today + dt.timedelta(days=chance.randint(1, 60))).isoformat() if 0.03 <= away < 0.05 else ""
    return [f"E{number:07d}", f"{FIRST[number % len(FIRST)]} {LAST[(number // len(FIRST)) % len(LAST)]}",
            _email(number), team, title, manager, roles,
            f"U{number:09d}" if reach < 0.7 else "", f"29:teams-{number}" if 0.7 <= reach < 0.92 else "",
            started.isoformat(), leaving, on_leave]


def _training(employee_id: str, chance: random.Random, profile: Profile, today: dt.date) -> list[tuple[str, ...]]:
    """Yearly completions going back a few years; the latest leaves about 85% current."""
    roll = chance.random()
    if roll < 0.03:
        return []  # never trained
    months = profile.training.validity_months
    latest = (today - dt.timedelta(days=chance.randint(0, 330)) if roll < 0.85
              else add_months(today, -months) + dt.timedelta(days=chance.randint(1, 30)) if roll < 0.92
              else add_months(today, -months) - dt.timedelta(days=chance.randint(1, 200)))
    history = [latest] + [add_months(latest, -months * year) for year in range(1, chance.randint(1, 6))]
    return [(employee_id, profile.training.name, day.isoformat()) for day in history]


def _records(number: int, email: str, chance: random.Random, now: dt.datetime) -> list[tuple[str, ...]]:
    """About five contacts in the last month; one in ten not written up."""
    rows: list[tuple[str, ...]] = []
    for index in range(chance.randint(2, 8)):
        contacted = now - dt.timedelta(hours=chance.randint(1, 30 * 24))
        written = "" if chance.random() < 0.1 else min(now, contacted + dt.timedelta(hours=chance.randint(1, 72))
                                                        ).isoformat(timespec="minutes")
        rows.append((f"CR-{number:07d}-{index}", email, contacted.isoformat(timespec="minutes"), written))
    return rows
