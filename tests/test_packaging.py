"""A wheel carries what gtec needs outside a clone: every module, the reference data, the action
catalogue and the report templates (as gtec_cli/_shipped/…), and gtec finds them there."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"data/reference": "gtec_cli/_shipped/data/reference",
           "data/catalogue": "gtec_cli/_shipped/data/catalogue",
           "templates": "gtec_cli/_shipped/templates"}


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_every_source_package_is_listed():
    """The package list of pyproject.toml is written by hand (the shipped folders are mapped from
    outside src/): a new sub-package must be added to it, or the wheel would lack it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = {p for p in config["packages"] if not p.startswith("gtec_cli._shipped")}
    found = {".".join(p.relative_to(ROOT / "src").parts) for p in (ROOT / "src" / "gtec_cli").rglob("*")
             if p.is_dir() and "__pycache__" not in p.parts and any(p.glob("*.py"))}
    assert listed == found | {"gtec_cli"}


@pytest.mark.slow
def test_the_wheel_carries_modules_data_and_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = tmp_path.glob("gtec-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for py in (ROOT / "src").rglob("*.py"):
        assert py.relative_to(ROOT / "src").as_posix() in names
    for folder, inside in SHIPPED.items():
        expected = {f"{inside}/{f}" for f in _files(ROOT / folder)}
        assert expected and expected <= names, sorted(expected - names)
    assert not any(n.startswith(("gtec_cli/_shipped/data/sample", "tests/", "bench/")) for n in names)


def test_shipped_copies_are_found_when_no_repository_is_around(tmp_path, monkeypatch):
    from gtec_cli import paths

    package = tmp_path / "site-packages" / "gtec_cli"
    (package / "_shipped" / "templates" / "assets").mkdir(parents=True)
    (package / "_shipped" / "data" / "reference").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE", package)
    monkeypatch.delenv("GTEC_TEMPLATES_DIR", raising=False)
    monkeypatch.delenv("GTEC_DATA_DIR", raising=False)
    assert paths.shipped_folder("templates", "assets", "GTEC_TEMPLATES_DIR") == package / "_shipped" / "templates"
    assert paths.shipped_folder("data", "reference", "GTEC_DATA_DIR") == package / "_shipped" / "data"
    monkeypatch.setenv("GTEC_DATA_DIR", str(tmp_path / "mine"))
    assert paths.shipped_folder("data", "reference", "GTEC_DATA_DIR") == tmp_path / "mine"
    (package / "_shipped" / "templates" / "assets").rmdir()
    with pytest.raises(FileNotFoundError, match="GTEC_TEMPLATES_DIR"):
        paths.shipped_folder("templates", "assets", "GTEC_TEMPLATES_DIR")
