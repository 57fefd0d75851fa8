"""Loading people into the staff directory from a YAML file (the demo directory, or an organisation's export)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from storage import directory
from storage.errors import ConfigurationError
from storage.files import read_yaml
from storage.models import Role

_FIELDS = {"email", "name", "job_title", "team", "manager", "roles"}


def import_directory(*, session: Session, path: Path) -> int:
    """Add everyone in the file who is not in the directory yet; returns how many were added."""
    records = _read(path)
    added = 0
    for record in records:
        if directory.get_by_email(session=session, email=record["email"]) is None:
            directory.create(
                session=session,
                email=record["email"],
                name=record["name"],
                job_title=record.get("job_title", ""),
                team=record.get("team", ""),
                roles=[Role(role) for role in record.get("roles", ["staff"])],
            )
            added += 1
    for record in records:
        if record.get("manager"):
            member = directory.get_by_email(session=session, email=record["email"])
            manager = directory.get_by_email(session=session, email=record["manager"])
            assert member is not None
            if manager is None:
                raise ConfigurationError(f"{path}: the manager {record['manager']} of {record['email']} is not listed.")
            member.manager_id = manager.id
            session.add(member)
    session.flush()
    return added


def _read(path: Path) -> list[dict[str, Any]]:
    records = read_yaml(path, what="The staff directory file")
    if not isinstance(records, list):
        raise ConfigurationError(f"{path} must be a list of people.")
    roles = {role.value for role in Role}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not {"email", "name"} <= record.keys():
            raise ConfigurationError(f"{path}: person {number} needs at least an email and a name.")
        unknown = record.keys() - _FIELDS
        if unknown:
            raise ConfigurationError(f"{path}: person {number} has unknown fields {sorted(unknown)}.")
        bad_roles = set(record.get("roles", [])) - roles
        if bad_roles:
            raise ConfigurationError(f"{path}: person {number} has unknown roles {sorted(bad_roles)}.")
    return records
