"""What an import did, row by row, told in one summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows.imports.csvfile import Problem


@dataclass
class ImportOutcome:
    noun: str  # "people", "training records", "contact records"
    checked: int = 0
    added: int = 0
    changed: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        if not self.written:
            return (f"Checked {self.checked:,} rows and found {len(self.problems):,} problem(s): nothing was imported. "
                    "Fix them and import again, or use --skip-invalid to import the good rows only.")
        parts = [f"{self.added:,} added", f"{self.changed:,} changed"]
        if self.noun == "people":
            parts.append(f"{self.deactivated:,} deactivated")
        parts += [f"{self.unchanged:,} unchanged", f"{self.skipped:,} skipped as invalid"]
        return f"Imported {self.noun} from {self.checked:,} rows: " + ", ".join(parts) + "."

    def problem_lines(self) -> list[str]:
        return [str(problem) for problem in sorted(self.problems, key=lambda problem: problem.line)]
