"""A workspace: a folder with `gtec.toml`, the SQLite store and the inbox/report folders.

Commands find it with `--workspace`, else `GTEC_WORKSPACE`, else the current folder.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError, WorkspaceLocked, WorkspaceNotFound
from .periods import current_quarter, normalise_period
from .settings import TEMPLATE, Settings

SETTINGS_FILE = "gtec.toml"
STORE_FILE = "gtec.sqlite"
LOCK_FILE = ".gtec.lock"


class Workspace:
    """An opened workspace: its folder, its settings and the path of its store."""

    def __init__(self, root: Path, settings: Settings):
        self.root = root
        self.settings = settings

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    def folder(self, name: str) -> Path:
        """A folder named in `[folders]` or `[report]`, relative to the workspace."""
        rel = getattr(self.settings.folders, name, None) or getattr(self.settings.report, name)
        path = Path(rel)
        return path if path.is_absolute() else self.root / path

    def default_period(self) -> str:
        return normalise_period(self.settings.period or current_quarter())

    @classmethod
    def locate(cls, path: str | os.PathLike | None = None) -> "Workspace":
        """Open the workspace at `path`, `$GTEC_WORKSPACE` or the current folder."""
        root = Path(path or os.environ.get("GTEC_WORKSPACE") or ".").resolve()
        settings_file = root / SETTINGS_FILE
        if not settings_file.is_file():
            raise WorkspaceNotFound(
                f"Pas d'espace de travail gtec dans {root} (fichier {SETTINGS_FILE} absent). "
                "Créez-le avec `gtec init DOSSIER` ou indiquez-le avec --workspace."
            )
        return cls(root, Settings.load(settings_file))

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        name: str = "Mon territoire",
        territory: str = "",
        comparisons: list[str] | None = None,
        aliases: list[str] | None = None,
        period: str | None = None,
    ) -> "Workspace":
        """Create a workspace with a commented `gtec.toml` and an empty store."""
        root = Path(root)
        if (root / SETTINGS_FILE).exists():
            raise UsageError(f"{root / SETTINGS_FILE} existe déjà : l'espace de travail est déjà créé.")
        root.mkdir(parents=True, exist_ok=True)
        comparisons = comparisons if comparisons is not None else _default_comparisons(territory)
        text = TEMPLATE.format(
            name=name.replace('"', "'"),
            code=territory,
            period_line=(f'period = "{normalise_period(period)}"' if period
                         else f'# period = "{current_quarter()}"'),
            comparisons=_toml_list(comparisons),
            aliases=_toml_list(aliases or []),
        )
        (root / SETTINGS_FILE).write_text(text, encoding="utf-8")
        ws = cls(root.resolve(), Settings.load(root / SETTINGS_FILE))
        for folder in ("inbox", "quarantine", "logs"):
            ws.folder(folder).mkdir(parents=True, exist_ok=True)
        from .store import Store

        Store.open(ws.store_path).close()
        return ws

    @contextmanager
    def lock(self):
        """Hold the workspace lock for a writing command; another holder means exit 75 at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise WorkspaceLocked(
                    f"Une autre exécution de gtec utilise l'espace de travail {self.root} ; réessayez plus tard."
                ) from None
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            yield
        finally:
            os.close(fd)  # closing releases the flock, also when the process is killed


def _default_comparisons(territory: str) -> list[str]:
    """Langres' GTEC compared the arrondissement with its département and région."""
    if territory.startswith(("arr:52", "be:44", "epci:200072999")):
        return ["dep:52", "reg:44", "fr"]
    return ["fr"] if territory and territory != "fr" else []


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{c}"' for c in items) + "]"
