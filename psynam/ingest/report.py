"""What an import tells its user: per-table counts and issues, and their printed form for the CLI.

An issue reads `file:line: column: reason (« value »)`; a warning's reason starts with "avertissement".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ERROR, WARNING = "error", "warning"
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SHOWN_CHARS = 80


def shown(value: str | None) -> str | None:
    """A value as a message shows it: control characters made visible, at most SHOWN_CHARS characters
    (a 10 MB name is named by its length, never printed whole)."""
    if value is None:
        return None
    text = CONTROL_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(value)).replace("\r\n", "\n")
    text = text.replace("\n", "⏎").replace("\r", "⏎")     # a message stays on one line
    if len(text) <= SHOWN_CHARS:
        return text
    return text[:SHOWN_CHARS] + f"… ({len(str(value)):,} caractères)".replace(",", " ")


class UnreadableInput(Exception):
    """An input that cannot be read at all (missing, not CSV/XLSX/zip, broken, undecodable)."""


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None          # physical CSV line (header = 1) or sheet row; None for a whole input
    column: str               # as written in the file's header ("" when about the whole file)
    value: str | None
    reason: str               # in French, the language of the users
    severity: str = ERROR     # "error" (the row or file is rejected) or "warning" (imported anyway)
    field: str = ""           # the canonical column ("" when unknown): the page hides pseudonymised ids
    rule: str = ""            # what counts as one rule when messages are capped ("" : the reason)

    def __post_init__(self):
        object.__setattr__(self, "value", shown(self.value))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        reason = self.reason if self.severity == ERROR else f"avertissement : {self.reason}"
        value = f" (« {self.value} »)" if self.value not in (None, "") else ""
        return f"{where}: {self.column or '-'}: {reason}{value}"


WARNINGS_KEPT_PER_RULE = 50      # the first warnings of a rule are listed, the others counted
ERRORS_KEPT_PER_RULE = 1000      # errors too, beyond this (the rows are rejected all the same)


class Capped:
    """Issues kept up to their rule's limit, in the order they come; the others only counted. A rule is
    an issue's `rule`, else its reason (20,000 ignored files make one line and a count, not 20,000)."""

    def __init__(self):
        self.kept: list[Issue] = []
        self.seen: dict[tuple[str, str], int] = {}
        self.omitted = {ERROR: 0, WARNING: 0}

    def add(self, issue: Issue) -> bool:
        key = (issue.severity, issue.rule or issue.reason)
        n = self.seen[key] = self.seen.get(key, 0) + 1
        if n > (WARNINGS_KEPT_PER_RULE if issue.severity == WARNING else ERRORS_KEPT_PER_RULE):
            self.omitted[issue.severity] += 1
            return False
        self.kept.append(issue)
        return True

    def extend(self, issues) -> None:
        for issue in issues:
            self.add(issue)


@dataclass
class TableCounts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ImportReport:
    """The outcome of an import. `ok`: the rows were written (or, for a dry run, would be)."""
    status: str = "imported"  # imported | refused (rows rejected, nothing written) | unreadable
    tables: dict[str, TableCounts] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)   # [{file, sha256}]
    omitted_warnings: int = 0   # warnings counted but not kept (beyond a sample per rule)
    omitted_errors: int = 0     # errors counted but not kept (beyond the first ones per rule, on huge files)
    dry_run: bool = False
    accept_valid: bool = False
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "imported"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    def summary(self) -> dict:
        """The JSON summary recorded in the `imports` table."""
        return {"tables": {t: c.as_dict() for t, c in self.tables.items()},
                "accept_valid": self.accept_valid,
                "errors": len(self.errors) + self.omitted_errors,
                "warnings": len(self.warnings) + self.omitted_warnings}


_LABELS = ("lues", "insérées", "modifiées", "inchangées", "rejetées")


def format_report(report: ImportReport, db: str | None = None) -> str:
    """The CLI text: the table of counts, then every rejected row, then the warnings."""
    lines = []
    if report.tables:
        width = max(len(t) for t in report.tables) + 2
        lines.append("table".ljust(width) + "".join(label.rjust(12) for label in _LABELS))
        for table, c in report.tables.items():
            counts = (c.read, c.inserted, c.updated, c.unchanged, c.rejected)
            lines.append(table.ljust(width) + "".join(f"{n:>12,}".replace(",", " ") for n in counts))
    lines += [str(i) for i in report.errors]
    if report.omitted_errors:
        lines.append(f"… et {report.omitted_errors} autres erreurs du même type, non affichées")
    lines += [str(i) for i in report.warnings]
    if report.omitted_warnings:
        lines.append(f"… et {report.omitted_warnings} autres avertissements du même type, non affichés")
    rejected = sum(c.rejected for c in report.tables.values())
    if report.status == "unreadable":
        lines.append("Import impossible : fichier illisible, rien n'a été écrit.")
    elif report.status == "refused":
        errors = len(report.errors) + report.omitted_errors
        lines.append(f"Import refusé : {errors} erreur(s), {rejected} ligne(s) rejetée(s) ; "
                     "rien n'a été écrit. Corrigez les fichiers ou relancez avec --accept-valid.")
    elif report.dry_run:
        lines.append("Simulation : rien n'a été écrit.")
    else:
        target = f" dans {db}" if db else ""
        extra = f" ; {rejected} ligne(s) rejetée(s) non importée(s)" if rejected else ""
        lines.append(f"Import terminé{target}{extra}.")
    return "\n".join(lines)
