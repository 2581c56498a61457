"""The quarterly refresh: what cron runs, unattended.

Takes every file of the workspace's inbox, skips those already stored (by SHA-256) and those whose
content `gtec purge` erased (left in the inbox, listed in the result), stores the valid
ones (each file one drop, in one transaction), moves invalid ones to the quarantine folder with their
error report beside them, then renders the period's reports. It holds the workspace lock for the
whole run, so two runs never interleave; each step is atomic or idempotent (drops are transactions,
reports are written to a temporary file then renamed, quarantine moves are renames), so a run
killed at any point leaves the workspace consistent and the next run completes the work.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import InvalidInput
from .ingest.pipeline import ingest_files, sha256_of, validate_file
from .periods import normalise_period
from .store import Store
from .workspace import Workspace

#: Files in the inbox that are never data (editor locks, hidden files, our own reports).
_IGNORED_PREFIXES = (".", "~$")
_IGNORED_SUFFIXES = (".erreurs.json", ".erreurs.txt", ".tmp", ".part")


@dataclass
class RefreshResult:
    period: str
    stored: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    purged: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    report_errors: list[str] = field(default_factory=list)
    nothing_to_do: bool = False
    log_file: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.quarantined or self.report_errors else 0

    def to_dict(self) -> dict:
        return {
            "period": self.period, "nothing_to_do": self.nothing_to_do, "stored": self.stored,
            "skipped": self.skipped, "purged": self.purged, "quarantined": self.quarantined, "reports": self.reports,
            "report_errors": self.report_errors, "log_file": self.log_file,
            "exit_code": self.exit_code,
        }


def inbox_files(inbox: Path) -> list[Path]:
    """Data files waiting in the inbox, oldest first (the order they arrived)."""
    if not inbox.is_dir():
        return []
    files = [p for p in inbox.iterdir() if p.is_file()
             and not p.name.startswith(_IGNORED_PREFIXES) and not p.name.endswith(_IGNORED_SUFFIXES)]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _logger(ws: Workspace) -> tuple[logging.Logger, Path]:
    folder = ws.folder("logs")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "refresh.log"
    logger = logging.getLogger(f"gtec.refresh.{ws.root}")
    logger.setLevel(logging.INFO)
    if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    return logger, path


def quarantine(ws: Workspace, path: Path, report) -> Path:
    """Move an invalid file to the quarantine folder with its error report beside it.

    The report is written first, then the file is moved by rename: a kill in between leaves the
    file in the inbox, where the next run finds it again.
    """
    folder = ws.folder("quarantine")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{stamp}-{path.name}"
    doc = report.to_dict()
    _atomic_write(target.with_name(target.name + ".erreurs.json"),
                  json.dumps(doc, ensure_ascii=False, indent=2))
    lines = [f"{path.name} : refusé par gtec {__version__} le {stamp}", ""]
    lines += [f.render() for f in report.findings if f.severity in ("error", "warning")]
    _atomic_write(target.with_name(target.name + ".erreurs.txt"), "\n".join(lines) + "\n")
    shutil.move(str(path), str(target))
    return target


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def refresh(ws: Workspace, *, period: str | None = None, render=None) -> RefreshResult:
    """Run the refresh under the workspace lock. `render(ws, store, period) -> list[Path]` renders
    the reports (injected so that the library has no hard dependency on the report stack)."""
    period = normalise_period(period or ws.default_period())
    result = RefreshResult(period=period)
    log, log_path = _logger(ws)
    result.log_file = str(log_path)
    with ws.lock(), Store.open(ws.store_path) as store:
        log.info("refresh start: period %s, gtec %s", period, __version__)
        for path in inbox_files(ws.folder("inbox")):
            sha = sha256_of(path)
            previous = store.find_sha(sha)
            if previous:
                result.skipped.append({"file": path.name, "drop_id": previous.id})
                continue
            # Erased on purpose by `gtec purge`: left where it is (it is not invalid, so not
            # quarantined, and not a failure of the run), reported so that someone deletes it or
            # stores it again explicitly with `gtec ingest --restore-purged`.
            erased = store.find_purge(sha)
            if erased:
                result.purged.append({"file": path.name, "purge_id": erased["id"],
                                      "purged_at": erased["purged_at"]})
                log.info("skipped %s: erased by purge %d on %s", path.name, erased["id"],
                         erased["purged_at"])
                continue
            validation = validate_file(path)
            if not validation.valid:
                target = quarantine(ws, path, validation.report)
                result.quarantined.append({"file": path.name, "moved_to": str(target),
                                           "errors": validation.report.n_errors})
                log.warning("quarantined %s (%d errors)", path.name, validation.report.n_errors)
                continue
            try:
                outcome = ingest_files(store, [path], period=period, gtec_version=__version__)[0]
            except InvalidInput as exc:  # overlaps an existing drop: a person must decide
                target = quarantine(ws, path, exc.reports[0])
                result.quarantined.append({"file": path.name, "moved_to": str(target),
                                           "errors": exc.reports[0].n_errors})
                log.warning("quarantined %s: %s", path.name, exc)
                continue
            result.stored.append({"file": path.name, "drop_id": outcome.drop_id, "kind": outcome.kind,
                                  "rows": sum(outcome.rows.values())})
            log.info("stored %s as drop %s", path.name, outcome.drop_id)
        fingerprint = drops_fingerprint(store, period)
        marker = reports_dir(ws, period) / ".gtec-rendered.json"
        up_to_date = marker.exists() and json.loads(marker.read_text()).get("fingerprint") == fingerprint
        if up_to_date and not result.stored:
            result.nothing_to_do = not result.quarantined
            log.info("reports already up to date for %s", period)
        elif render is not None:
            try:
                result.reports = [str(p) for p in render(ws, store, period)]
                marker.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(marker, json.dumps({"fingerprint": fingerprint, "reports": result.reports,
                                                  "gtec_version": __version__}))
            except Exception as exc:  # noqa: BLE001 - logged and reported, not swallowed
                log.exception("report rendering failed")
                result.report_errors.append(f"{type(exc).__name__}: {exc}")
        log.info("refresh end: %d stored, %d skipped, %d purged, %d quarantined", len(result.stored),
                 len(result.skipped), len(result.purged), len(result.quarantined))
    return result


def drops_fingerprint(store, period: str) -> str:
    """A hash of the active drops a period's reports depend on: unchanged means nothing to render.

    The latest purge counts too: purging a company from a consolidated drop leaves that drop's id
    and hash as they were, yet the reports must be rendered again without the company. (Without
    any purge the fingerprint is what it always was, so no report is re-rendered on upgrade.)
    """
    ids = ",".join(f"{d.id}:{d.sha256}" for d in store.drops())
    purges = store.purges()
    if purges:
        ids += f"|purge:{purges[-1]['id']}"
    return hashlib.sha256(f"{period}|{ids}".encode()).hexdigest()


def reports_dir(ws: Workspace, period: str) -> Path:
    territory = (ws.settings.territory.code or ws.settings.territory.name).replace(":", "-")
    return ws.folder("output_dir") / territory / period
