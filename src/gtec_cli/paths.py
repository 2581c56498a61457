"""Where gtec's shipped folders are: `data/` (nomenclatures, catalogue) and `templates/`.

They live at the top of the repository, beside `src/`: run from a clone (an editable install, as
`make` does), gtec finds them by walking up from the package, so an edit to a template or the
catalogue shows at once. A wheel carries copies of them inside the package, as
`gtec_cli/_shipped/data/` and `gtec_cli/_shipped/templates/` (see `[tool.setuptools]` in
pyproject.toml), used when no repository is around. `$GTEC_DATA_DIR` / `$GTEC_TEMPLATES_DIR` win
over both, for an installation that keeps its own.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped_folder(name: str, marker: str, env: str) -> Path:
    """The folder `name` (recognised by its sub-folder `marker`), or `$env` when set."""
    if os.environ.get(env):
        return Path(os.environ[env])
    for parent in PACKAGE.parents:
        if (parent / name / marker).is_dir():
            return parent / name
    packaged = PACKAGE / "_shipped" / name
    if (packaged / marker).is_dir():
        return packaged
    raise FileNotFoundError(f"gtec's {name}/ folder was not found; set {env}")
