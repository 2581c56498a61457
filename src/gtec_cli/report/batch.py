"""Reports in bulk: the period's reports of the workspace (`gtec refresh`), and one diagnostic per
territory of the workspace's `[batch]` settings (`gtec report diagnostic --all-territories`).

Batch rendering only reads the store, so it takes no workspace lock: each worker process opens
the store itself (SQLite allows many readers, WAL lets them read while a refresh writes) and
writes its own files, each atomically (temporary file, then rename), so a reader never sees a
half-written PDF and a killed run leaves the previous report in place. Parallelism comes from
territories, one process each, charts included: `--jobs N` means N busy processes at most.
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GtecError, UsageError


def render_period_reports(ws, store, period: str) -> list[Path]:
    """Render the committee editions of the period's diagnostic and action plan; returns the
    files written."""
    from ..plan.report import default_output, render_plan
    from .diagnostic import render_diagnostic

    written = [render_diagnostic(ws, store, period=period).path]
    out = default_output(ws, period)
    render_plan(store, period, out, settings=ws.settings, workspace_root=ws.root)
    written.append(out)
    return written


# --- which territories ----------------------------------------------------------------------------
def batch_territories(settings) -> list[str]:
    """The territories of `[batch]`, in order and without repeats: the workspace's own (unless
    `include_workspace = false`), those listed, then the BMO employment areas of each `within`."""
    from .. import nomenclatures as nom

    batch = settings.batch
    own = settings.territory.code or settings.territory.name
    found: list[str] = [own] if batch.include_workspace and own else []
    for key, values in (("territories", batch.territories), ("within", batch.within)):
        for value in values:
            try:
                code = nom.territory(value)
            except ValueError as exc:
                raise UsageError(f"gtec.toml, [batch] {key} : territoire invalide {value!r} "
                                 f"({exc}).") from None
            if key == "territories":
                found.append(code)
                continue
            areas = nom.territory_footprint(code).employment_areas
            if not areas:
                raise UsageError(f"gtec.toml, [batch] within : aucun bassin d'emploi BMO connu dans {code} "
                                 "(départements, régions et bassins seulement).")
            found.extend(areas)
    found = list(dict.fromkeys(found))
    if not found or (found == [own] and not (batch.territories or batch.within)):
        raise UsageError("Aucun territoire défini pour --all-territories : ajoutez dans gtec.toml une "
                         'section [batch] avec territories = ["be:4418", …] ou within = "dep:52".')
    return found


# --- rendering ------------------------------------------------------------------------------------
@dataclass
class TerritoryReport:
    """One territory of a batch: its file, how long it took, or why it failed."""

    territory: str
    path: str | None = None
    seconds: float = 0.0
    error: str | None = None
    #: Full traceback of an unexpected failure (for the error log, never printed).
    trace: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready, without the traceback."""
        return {"territory": self.territory, "file": self.path, "seconds": round(self.seconds, 3),
                "error": self.error}


@dataclass
class BatchResult:
    """Every territory of a batch, in the order asked, and the wall-clock time of the whole."""

    period: str
    jobs: int
    reports: list[TerritoryReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[TerritoryReport]:
        """Territories whose report could not be rendered."""
        return [r for r in self.reports if r.error]

    @property
    def exit_code(self) -> int:
        """1 when any territory failed, else 0."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict:
        """The `--json` document."""
        done = [r for r in self.reports if not r.error]
        return {"report": "diagnostic", "period": self.period, "jobs": self.jobs,
                "seconds": round(self.seconds, 3), "rendered": len(done), "failed": len(self.failed),
                "seconds_per_territory": round(sum(r.seconds for r in done) / len(done), 3) if done else None,
                "territories": [r.to_dict() for r in self.reports]}


def render_one(root: str, territory: str, period: str, fmt: str = "pdf", lang: str | None = None,
               internal: bool = False) -> TerritoryReport:
    """Render one territory's diagnostic from a workspace folder (what each worker runs): opens
    the workspace and its store itself, never raises (failures come back in the result)."""
    from ..store import Store
    from ..workspace import Workspace
    from .diagnostic import render_diagnostic

    start = time.perf_counter()
    report = TerritoryReport(territory)
    try:
        ws = Workspace.locate(root)
        own = ws.settings.territory.code or ws.settings.territory.name
        with Store.open(ws.store_path) as store:
            result = render_diagnostic(ws, store, period=period,
                                       territory=None if territory == own else territory,
                                       lang=lang, fmt=fmt, internal=internal)
        report.path = str(result.path)
    except GtecError as exc:
        report.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one territory's failure must not stop the others
        report.error = f"{type(exc).__name__}: {exc}"
        report.trace = traceback.format_exc()
    report.seconds = time.perf_counter() - start
    # Rendering keeps the garbage of a report out of collections (gc.freeze) and hands it back
    # afterwards; freed now, a worker rendering territory after territory stays at one report's
    # memory (measured: +28 MB per territory otherwise).
    gc.collect()
    return report


def render_territories(ws, territories: list[str], *, period: str, jobs: int | None = None,
                       fmt: str = "pdf", lang: str | None = None, internal: bool = False,
                       on_done=None) -> BatchResult:
    """Render one diagnostic per territory with `jobs` processes (default: the number of cores).

    `on_done(report)` is called as each territory finishes (in completion order); the result
    lists them in the order asked. With one job, territories render one after the other in this
    process. A failing territory is recorded and the others go on.
    """
    from ..store import Store

    if not territories:
        raise UsageError("Aucun territoire à produire.")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(territories)))
    Store.open(ws.store_path).close()  # pending migrations once, before readers start in parallel
    result = BatchResult(period=period, jobs=jobs)
    done: dict[str, TerritoryReport] = {}
    args = (str(ws.root),)
    start = time.perf_counter()

    def finished(report: TerritoryReport) -> None:
        done[report.territory] = report
        if on_done is not None:
            on_done(report)

    if jobs == 1:
        for territory in territories:
            finished(render_one(*args, territory, period, fmt, lang, internal))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        # spawn, not fork: the parent may hold pandas/BLAS threads that a forked child would
        # inherit locked.
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
        try:
            futures = {pool.submit(render_one, *args, t, period, fmt, lang, internal): t for t in territories}
            for future in as_completed(futures):
                try:
                    report = future.result()
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                    report = TerritoryReport(futures[future], error=f"processus de rendu interrompu ({exc})")
                finished(report)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    result.seconds = time.perf_counter() - start
    result.reports = [done[t] for t in territories]
    return result


def log_failures(ws, result: BatchResult) -> Path | None:
    """Append the tracebacks of unexpected failures to the workspace's error log; its path, or
    None when there was nothing to log."""
    traces = [r for r in result.reports if r.trace]
    if not traces:
        return None
    from .. import __version__

    folder = ws.folder("logs")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gtec-errors.log"
    with open(path, "a", encoding="utf-8") as fh:
        fh.writelines(f"--- gtec {__version__} report diagnostic --all-territories, {r.territory}, "
                      f"période {result.period}\n{r.trace}\n" for r in traces)
    return path
