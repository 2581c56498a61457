"""File -> validated tables -> one drop in the store. The one path the CLI, the cron refresh and
analysts share.

`validate_file` never touches the store. `ingest_files` validates every file first; if any file has
an error, nothing is stored. Otherwise all new drops are written in a single transaction, so a kill
at any moment leaves the store as it was.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, InvalidInput, Report, UnreadableFile, UsageError
from ..periods import normalise_period
from .kinds import Parsed, Probe, all_kinds
from .safety import sniff


@dataclass
class Validation:
    """The outcome of reading one file: its findings, and its tables if it could be read."""

    path: Path
    report: Report
    kind: str | None = None
    sha256: str | None = None
    size: int = 0
    parsed: Parsed | None = None

    @property
    def valid(self) -> bool:
        """No error and the tables could be read."""
        return self.report.valid and self.parsed is not None


@dataclass
class Outcome:
    """What `ingest_files` did with one file."""

    file: str
    status: str  # stored, duplicate, would-store (dry run), invalid
    kind: str | None = None
    drop_id: int | None = None
    duplicate_of: int | None = None
    replaced: list[int] = field(default_factory=list)
    restored_purge: int | None = None  # the purge this file had been erased by (--restore-purged)
    rows: dict[str, int] = field(default_factory=dict)
    report: Report | None = None

    def to_dict(self) -> dict:
        """The outcome as `--json` prints it."""
        out = {"file": self.file, "status": self.status, "kind": self.kind, "drop_id": self.drop_id,
               "rows": self.rows}
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        if self.replaced:
            out["replaced"] = self.replaced
        if self.restored_purge:
            out["restored_purge"] = self.restored_purge
        if self.report is not None:
            out["report"] = self.report.to_dict()
        return out


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cells become Python objects.

    Reading a 200 000-row sheet creates millions of objects; the collector, triggered by every
    few hundred allocations, walks them all again and again (measured: a quarter of the ingest
    time). Nothing here makes reference cycles, so reference counting frees everything anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def probe(path: Path) -> Probe:
    """Sniff a file (refusing what is unsafe or unreadable) and gather what detection needs."""
    kind = sniff(path)
    if kind.format == "xlsx":
        from .workbook import Workbook

        with Workbook(path) as book:
            return Probe(path=path, format="xlsx", sheet_names=book.sheet_names)
    with open(path, encoding=kind.encoding, errors="replace", newline="") as fh:
        head = [fh.readline() for _ in range(5)]
    return Probe(path=path, format="text", head_lines=[h for h in head if h], encoding=kind.encoding)


def _blank_workbook(path: Path) -> bool:
    """Whether every sheet of a workbook is empty (asked only when no kind recognised it)."""
    from .values import is_empty
    from .workbook import Workbook

    with Workbook(path) as book:
        for name in book.sheet_names:
            if any(not is_empty(v) for row in book.sheet(name).rows for v in row):
                return False
    return True


def detect_kind(p: Probe) -> str | None:
    """The registered kind most confident about a probed file, or None if none is."""
    scores = {name: kind.detect(p) for name, kind in all_kinds().items()}
    best = max(scores, key=scores.get, default=None)
    return best if best and scores[best] > 0 else None


def validate_file(path: str | Path, *, kind: str | None = None, options: dict | None = None,
                  cap: int | None = None) -> Validation:
    """Read and check one file without storing anything. Every problem is in `.report`."""
    path = Path(path)
    report = Report(file=path.name, **({"cap": cap} if cap else {}))
    result = Validation(path=path, report=report)
    if not path.is_file():
        raise UsageError(f"Fichier introuvable : {path}")
    kinds = all_kinds()
    if kind is not None and kind not in kinds:
        raise UsageError(f"Type de fichier inconnu : {kind!r}. Types : {', '.join(sorted(kinds))}.")
    try:
        p = probe(path)
        result.size = path.stat().st_size
        result.sha256 = sha256_of(path)
        chosen = kind or detect_kind(p)
        if chosen is None:
            what = (f"feuilles : {', '.join(p.sheet_names)}" if p.format == "xlsx"
                    else "fichier texte")
            if _text_named_xlsx(p, path):
                _refuse_text_named_xlsx(report)
            elif p.format == "xlsx" and _blank_workbook(path):
                report.error("empty-workbook", "Le classeur ne contient aucune donnée : toutes ses "
                             f"feuilles sont vides ({', '.join(p.sheet_names) or 'aucune feuille'}).",
                             fix="Remplissez le modèle (`gtec template`) ou renvoyez le bon fichier.")
            else:
                report.error("unknown-kind", f"Type de fichier non reconnu ({what}).",
                             fix="Précisez le type avec --kind (" + ", ".join(sorted(kinds)) + ").")
            return result
        result.kind = chosen
        if p.format not in kinds[chosen].formats:
            if _text_named_xlsx(p, path):
                _refuse_text_named_xlsx(report)
            else:
                report.error("wrong-format",
                             f"Un fichier « {kinds[chosen].label} » doit être au format "
                             f"{' ou '.join(kinds[chosen].formats)}.",
                             fix="Enregistrez-le au bon format.")
            return result
        with paused_gc():
            result.parsed = kinds[chosen].read(path, report, p, options or {})
    except UnreadableFile as exc:
        report.add(exc.finding)
    return result


def _text_named_xlsx(p: Probe, path: Path) -> bool:
    """A text file (a CSV, typically) that someone renamed `.xlsx`."""
    return p.format == "text" and path.suffix.lower() in (".xlsx", ".xlsm")


def _refuse_text_named_xlsx(report: Report) -> None:
    report.error("not-a-workbook",
                 "Le fichier porte l'extension .xlsx mais contient du texte (un CSV renommé ?).",
                 fix="Ouvrez le CSV dans Excel et enregistrez-le au format .xlsx, "
                     "ou donnez-lui son extension .csv.")


def ingest_files(
    store,
    paths: list[str | Path],
    *,
    kind: str | None = None,
    period: str,
    replace: bool = False,
    dry_run: bool = False,
    options: dict | None = None,
    gtec_version: str | None = None,
    on_file=None,
    restore_purged: bool = False,
) -> list[Outcome]:
    """Validate every file, then store each valid new file as one drop, all in one transaction.

    Raises :class:`InvalidInput` (nothing stored) if any file has an error, if a file overlaps
    what an active drop of the same kind and period already holds and `replace` is not set, or if
    a file's content was erased by `gtec purge` and `restore_purged` is not set: a purge is a
    decision (often a company's request), and the file usually still sits in the inbox.
    """
    period = normalise_period(period)
    validations: list[Validation] = []
    for path in paths:
        validation = validate_file(path, kind=kind, options=options)
        validations.append(validation)
        if on_file:
            on_file(validation)
    for v in validations:
        if v.valid and not any(len(t) for t in v.parsed.tables.values()):
            # A blank template is a valid file but an empty drop: stored, it would show a source
            # as present, and with --replace it would erase the data it replaces.
            v.report.error("empty-workbook", "Aucune ligne de données : les feuilles reconnues n'ont "
                           "que leurs en-têtes, rien à enregistrer.",
                           fix="Remplissez les tableaux sous les en-têtes, ou envoyez le bon fichier.")
    invalid = [v for v in validations if not v.valid]
    if invalid:
        if not any(v.report.errors for v in invalid):
            for v in invalid:
                v.report.error("unreadable", "Le fichier n'a pas pu être lu.")
        raise InvalidInput(
            f"{len(invalid)} fichier(s) refusé(s) sur {len(validations)} : rien n'a été enregistré.",
            [v.report for v in invalid],
        )

    outcomes: list[Outcome] = []
    seen: dict[str, str] = {}
    to_store: list[tuple[Validation, list[int]]] = []
    conflicts: list[Report] = []
    purged: list[Report] = []
    restored: dict[str, int] = {}
    claimed: dict[tuple[str, str], str] = {}  # (kind, key) -> file of this command that holds it
    for v in validations:
        name = v.path.name
        previous = store.find_sha(v.sha256)
        if previous or v.sha256 in seen:
            outcomes.append(Outcome(file=name, status="duplicate", kind=v.kind,
                                    duplicate_of=previous.id if previous else None, report=v.report))
            continue
        seen[v.sha256] = name
        erased = store.find_purge(v.sha256)
        if erased and not restore_purged:
            v.report.add(Finding(
                code="purged-file", severity="error", file=name,
                message=(f"Ce fichier a été purgé le {_french_date(erased['purged_at'])} (purge "
                         f"n° {erased['id']}) : ses données ont été effacées du stockage à dessein."),
                fix="Supprimez-le de la boîte de dépôt ; pour l'enregistrer à nouveau malgré la "
                    "purge, relancez avec --restore-purged."))
            purged.append(v.report)
            continue
        if erased:
            restored[v.sha256] = erased["id"]
        # Two files of this very command covering the same company (or table, territory and
        # year) would both be stored: a workbook and its annotated copy, two versions of one
        # audit. --replace cannot choose between them; the person must.
        twins = {claimed[(v.kind, k)] for k in v.parsed.keys if (v.kind, k) in claimed}
        if twins:
            shared = {k for k in v.parsed.keys if (v.kind, k) in claimed}
            for other in sorted(twins):
                v.report.add(Finding(
                    code="same-data-twice", severity="error", file=name,
                    message=(f"Couvre les mêmes données que {other}, donné dans la même commande : "
                             f"{_describe_keys(shared)}. Les enregistrer tous les deux compterait ces "
                             "données deux fois."),
                    fix=_twin_fix(name, other)))
            conflicts.append(v.report)
            continue
        claimed.update({(v.kind, k): name for k in v.parsed.keys})
        overlapping = _overlapping_drops(store, v, period)
        if overlapping and not replace:
            report = v.report
            for drop, shared in overlapping:
                report.add(Finding(
                    code="already-stored", severity="error", file=name,
                    message=(f"Déjà enregistré pour la période {period} par le dépôt n° {drop.id} "
                             f"({drop.file_name}) : {_describe_keys(shared)}. Le stocker aussi "
                             "compterait ces données deux fois."),
                    fix="Relancez avec --replace pour remplacer l'ancien dépôt, ou vérifiez la période."))
            conflicts.append(report)
            continue
        to_store.append((v, [d.id for d, _ in overlapping]))
    if purged:
        raise InvalidInput(
            f"{len(purged)} fichier(s) effacé(s) auparavant par gtec purge : rien n'a été enregistré.",
            purged + conflicts,
        )
    if conflicts:
        raise InvalidInput(
            f"{len(conflicts)} fichier(s) recouvrent des données déjà enregistrées ou un autre fichier de la "
            "commande : rien n'a été enregistré.",
            conflicts,
        )
    if dry_run:
        return outcomes + [
            Outcome(file=v.path.name, status="would-store", kind=v.kind, replaced=old,
                    rows={t: len(f) for t, f in v.parsed.tables.items()}, report=v.report,
                    restored_purge=restored.get(v.sha256))
            for v, old in to_store
        ]
    with paused_gc(), store.atomic() as db:
        for v, old in to_store:
            metadata = {**v.parsed.metadata, "keys": sorted(v.parsed.keys),
                        "findings": v.report.counts}
            drop_id = store.insert_drop(
                db, kind=v.kind, period=period, file_name=v.path.name, sha256=v.sha256,
                size_bytes=v.size, tables=v.parsed.tables, metadata=metadata,
                warnings=v.report.n_warnings, gtec_version=gtec_version,
            )
            if old:
                store.replace_drops(db, old, drop_id)
            if v.sha256 in restored:
                store.mark_restored(db, v.sha256)
            outcomes.append(Outcome(file=v.path.name, status="stored", kind=v.kind, drop_id=drop_id,
                                    replaced=old, rows={t: len(f) for t, f in v.parsed.tables.items()},
                                    report=v.report, restored_purge=restored.get(v.sha256)))
    return outcomes


def _french_date(iso: str) -> str:
    """`2026-11-26T09:50:00+00:00` -> `26 novembre 2026`."""
    from ..formatting import Formatter

    return Formatter("fr").date(iso)


def _overlapping_drops(store, v: Validation, period: str):
    """Active drops of the same kind and period that share a key (or the file name) with `v`."""
    out = []
    for drop in store.drops(kind=v.kind, period=period):
        shared = set(drop.metadata.get("keys", [])) & v.parsed.keys
        if shared or drop.file_name == v.path.name:
            out.append((drop, shared))
    return out


def _twin_fix(name: str, other: str) -> str:
    """How to resolve two files of one command holding the same data."""
    for annotated, original in ((name, other), (other, name)):
        if annotated.lower().endswith(".annote.xlsx"):
            return (f"{annotated} est la copie annotée de {original} écrite par `gtec validate "
                    "--annotate` : n'enregistrez que l'un des deux (déplacez la copie annotée hors du "
                    "dossier).")
    return "Ne donnez qu'un des deux fichiers (le plus récent), ou vérifiez qu'ils concernent bien des " \
           "entreprises ou des territoires différents."


def _describe_keys(keys: set[str]) -> str:
    if not keys:
        return "même nom de fichier"
    companies = sorted(k.split("|", 1)[1] for k in keys if k.startswith("company|"))
    if companies:
        return f"entreprise(s) SIRET {', '.join(companies[:5])}" + ("…" if len(companies) > 5 else "")
    return ", ".join(sorted(k.replace("|", " ") for k in keys)[:5]) + ("…" if len(keys) > 5 else "")
