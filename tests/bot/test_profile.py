import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.core.errors import ConfigurationError
from bot.core.profile import load_profile, review_warnings
from bot.core.settings import EXAMPLE_PROFILE


def test_the_example_profile_describes_the_seed_organisation() -> None:
    profile = load_profile(EXAMPLE_PROFILE)
    assert profile.organisation.ico_registration == "Z7376908"
    assert profile.training.target_percent == 95
    assert profile.records.write_up_hours == 48
    assert profile.placeholders()["dp_email"] == profile.organisation.data_protection_email


def test_the_overdue_policy_review_is_reported() -> None:
    warnings = review_warnings(load_profile(EXAMPLE_PROFILE), today=dt.date(2026, 11, 22))
    assert any("DQ402" in warning and "December 2023" in warning for warning in warnings)


def _write_changed(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]  # change mutates a dict
    raw = yaml.safe_load(EXAMPLE_PROFILE.read_text())
    change(raw)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


MISTAKES = [
    (lambda raw: raw["roles"].pop("dpo"), "roles.dpo: Field required"),
    (lambda raw: raw["organisation"].update(data_protection_email="not-an-email"), "organisation.data_protection_email"),
    (lambda raw: raw["organisation"].update(ico_registration="12345"), "organisation.ico_registration"),
    (lambda raw: raw["working_hours"].update(time_zone="Mars/Olympus"), "working_hours.time_zone"),
    (lambda raw: raw["working_hours"].update(start="9am"), "working_hours.start"),
    (lambda raw: raw["training"].update(target_percent=140), "training.target_percent"),
    (lambda raw: raw["incident_grading"]["severity"].pop(5), "incident_grading.severity"),
    (lambda raw: raw["incident_grading"].update(reminder_hours=[24, 80]), "reminder_hours"),
    (lambda raw: raw.update(colour="blue"), "colour: is not a known field"),
    (lambda raw: raw["policies"].append(dict(raw["policies"][0])), "policy numbers must be unique"),
]


@pytest.mark.parametrize(("change", "named"), MISTAKES)
def test_each_kind_of_mistake_is_named_with_its_field(tmp_path: Path, change, named: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match=named.replace(".", r"\.")):
        load_profile(_write_changed(tmp_path, change))


def test_a_file_that_is_not_yaml_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("organisation: [unclosed\n")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        load_profile(path)
