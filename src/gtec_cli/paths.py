"""Where gtec's shipped folders are: `data/` (nomenclatures, catalogue) and `templates/`.

They live at the top of the repository, beside `src/`, so gtec finds them by walking up from the
package (an editable install, as `make` does); `$GTEC_DATA_DIR` / `$GTEC_TEMPLATES_DIR` point
elsewhere, for an installation that moved them.
"""

from __future__ import annotations

import os
from pathlib import Path


def shipped_folder(name: str, marker: str, env: str) -> Path:
    """The folder `name` (recognised by its sub-folder `marker`), or `$env` when set."""
    if os.environ.get(env):
        return Path(os.environ[env])
    for parent in Path(__file__).resolve().parents:
        if (parent / name / marker).is_dir():
            return parent / name
    raise FileNotFoundError(f"gtec's {name}/ folder was not found; set {env}")
