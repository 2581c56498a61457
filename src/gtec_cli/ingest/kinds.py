"""The kinds of file gtec ingests, and how each is recognised.

A kind reads a file into tables for the store. Kinds register themselves here; auto-detection asks
each one how confident it is that a file is of its kind and takes the best. New sources (BMO, Dares,
Insee…) add a kind without touching the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import Report


@dataclass
class Probe:
    """What detection may look at: the file's format, its sheet names or its first text lines."""

    path: Path
    format: str  # xlsx or text
    sheet_names: list[str] = field(default_factory=list)
    head_lines: list[str] = field(default_factory=list)
    encoding: str | None = None


@dataclass
class Parsed:
    """A file read into store tables, ready to become one drop."""

    tables: dict[str, pd.DataFrame]
    metadata: dict = field(default_factory=dict)
    #: What the drop covers (companies, table × territory…): two active drops of the same kind and
    #: period that share a key would double count, so the second needs `--replace`.
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    #: Confidence 0–100 that a probed file is of this kind.
    detect: Callable[[Probe], int]
    #: Read the file; put every finding in the report; return None if it cannot be read at all.
    read: Callable[[Path, Report, Probe, dict], Parsed | None]
    formats: tuple[str, ...] = ("xlsx",)
    #: Store tables this kind fills (for status and purge).
    tables: tuple[str, ...] = ()
    description: str = ""


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


#: Modules that define kinds; importing one registers its kinds.
KIND_MODULES = ("gtec_cli.ingest.opeq", "gtec_cli.ingest.audit", "gtec_cli.plan.followup",
                *(f"gtec_cli.ingest.public.{m}" for m in ("bmo", "tension", "dares_age", "census")))


def all_kinds() -> dict[str, Kind]:
    """Every registered kind (importing the modules that define them)."""
    import importlib

    for module in KIND_MODULES:
        importlib.import_module(module)
    return KINDS
