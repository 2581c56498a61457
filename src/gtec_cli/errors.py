"""Findings are data, failures are exceptions.

A :class:`Finding` is one thing wrong (or worth knowing) about an input file, located down to the
cell. A :class:`Report` collects the findings of one file, capped and counted. Exceptions derive
from :class:`GtecError` and carry the exit code the CLI returns (product.md's contract).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

#: Exit codes every command keeps (product.md).
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_LOCKED = 75

#: How many findings of one file are kept in full; the rest are counted.
DEFAULT_CAP = 200


def col_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """`C14` from a 0-based row and column."""
    return f"{col_letter(col)}{row + 1}"


@dataclass(frozen=True)
class Finding:
    """One located problem or remark about an input file.

    `code` is a stable kebab-case identifier (`invalid-siret`, `masked-cell`, ...); `message` says
    what is wrong and `fix` how to correct it, both in the report language. Values of columns that
    look like personal identifiers are never put in `value`.
    """

    code: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None
    count: int = 1

    @property
    def where(self) -> str:
        """`file, Sheet!C14` or as much of it as is known."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(self.sheet)
        return ", ".join(parts)

    def render(self) -> str:
        """One line a person can act on."""
        head = f"{self.where}: " if self.where else ""
        text = f"{head}{self.message}"
        if self.column:
            text += f" [colonne « {self.column} »]"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
            text += f" (valeur : {shown!r})"
        if self.count > 1:
            text += f" ×{self.count}"
        if self.fix:
            text += f" → {self.fix}"
        return text

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Report:
    """All findings about one file, capped: beyond `cap` findings of a code only counts grow."""

    file: str
    cap: int = DEFAULT_CAP
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    n_errors: int = 0
    n_warnings: int = 0
    n_added: int = 0

    def add(self, finding: Finding) -> None:
        if finding.file is None:
            finding = Finding(**{**finding.__dict__, "file": self.file})
        if finding.severity == "error":
            self.n_errors += finding.count
        elif finding.severity == "warning":
            self.n_warnings += finding.count
        self.counts[finding.code] = self.counts.get(finding.code, 0) + finding.count
        self.n_added += 1
        if len(self.findings) < self.cap:
            self.findings.append(finding)

    def error(self, code: str, message: str, **kw) -> None:
        self.add(Finding(code=code, message=message, severity="error", **kw))

    def warning(self, code: str, message: str, **kw) -> None:
        self.add(Finding(code=code, message=message, severity="warning", **kw))

    def add_info(self, message: str, *, code: str, **kw) -> None:
        """A remark worth showing (masked cells read as missing, totals rows skipped)."""
        self.add(Finding(code=code, message=message, severity="info", **kw))

    def add_finding(self, **kw) -> None:
        self.add(Finding(**kw))

    @property
    def valid(self) -> bool:
        return self.n_errors == 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def truncated(self) -> int:
        """How many findings were counted but not kept in full (beyond the cap)."""
        return self.n_added - len(self.findings)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "valid": self.valid,
            "errors": self.n_errors,
            "warnings": self.n_warnings,
            "counts": dict(sorted(self.counts.items())),
            "not_shown": self.truncated,
            "findings": [f.to_dict() for f in self.findings],
        }


class GtecError(Exception):
    """A failure gtec can explain: it ends the command with `exit_code` and a one-line message."""

    exit_code = EXIT_INTERNAL


class UsageError(GtecError):
    """The command was called wrongly: bad option, missing file, unknown table."""

    exit_code = EXIT_USAGE


class InvalidInput(GtecError):
    """Input data was refused; nothing was stored."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, reports: list[Report] | None = None):
        super().__init__(message)
        self.reports = reports or []


class WorkspaceLocked(GtecError):
    """Another gtec run holds the workspace; try again later."""

    exit_code = EXIT_LOCKED


class WorkspaceNotFound(UsageError):
    """No gtec.toml where the workspace was looked for."""


class UnreadableFile(Exception):
    """The file cannot be opened as a workbook; carries the finding that says why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding
