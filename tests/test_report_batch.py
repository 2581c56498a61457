"""`gtec report diagnostic --all-territories`: one diagnostic per territory of `[batch]`, in
parallel processes, each with its own territory's figures; a failing territory does not stop the
others.

The workspace covers the Haute-Marne: `within = "dep:52"` means its three BMO employment areas
(be:4418 Chaumont, be:4419 Langres, be:4420 Saint-Dizier). Each area has its own population and
its own audited companies (3, 4 and 5), located in communes of the area.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from gtec_cli import nomenclatures as nom
from gtec_cli.report.batch import batch_territories
from gtec_cli.settings import Settings
from gtec_cli.store import Store
from gtec_cli.workspace import Workspace

PERIOD = "2026-T4"
AREAS = {"be:4418": 3, "be:4419": 4, "be:4420": 5}  # audited companies per area
# Population (2021) of each area: 0-19 and 65+ bands, so that the ageing index is exact:
# be:4418 1 000 young, 900 old -> 90,0; be:4419 1 000 / 1 100 -> 110,0; be:4420 1 000 / 1 300 -> 130,0.
OLD = {"be:4418": 900, "be:4419": 1100, "be:4420": 1300}


def _frame(rows: list[dict], sheet: str) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["sheet"] = sheet
    df["row"] = range(2, len(df) + 2)
    return df


def build_workspace(root: Path) -> Workspace:
    ws = Workspace.create(root, name="Haute-Marne", territory="dep:52", period=PERIOD)
    toml = ws.root / "gtec.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('within = []', 'within = "dep:52"')
                    .replace("include_workspace = true", "include_workspace = false"), encoding="utf-8")
    population = [{"territory": area, "year": 2021, "sex": sex, "age_band": band, "age_min": lo,
                   "age_max": hi, "people": people / 2}
                  for area in AREAS for sex in "HF"
                  for band, lo, hi, people in (("0-19", 0, 19, 1000), ("20-64", 20, 64, 3000),
                                               ("65+", 65, None, OLD[area]))]
    with Store.open(ws.store_path) as store, store.atomic() as db:
        store.insert_drop(db, kind="opeq", period=PERIOD, file_name="opeq-52.xlsx", sha256="a" * 64,
                          size_bytes=1, tables={"population": _frame(population, "Population")})
        n = 0
        for area, count in AREAS.items():
            communes = nom.employment_areas()[area[3:]]["communes"]
            for i in range(count):
                n += 1
                siret = f"{n:09d}000{n:02d}"
                tables = {
                    "companies": _frame([{"siret": siret, "name": f"Entreprise {n}", "naf": "25.50A",
                                          "headcount": 20, "commune": communes[i], "company_type": "PME",
                                          "club_member": 1}], "Entreprise"),
                    "hires": _frame([{"siret": siret, "occupation": "H2913", "horizon": "<1an",
                                      "positions": 2, "difficult": 1, "contract": "CDI", "cadre": 0}],
                                    "Recrutements"),
                }
                store.insert_drop(db, kind="audit", period=PERIOD, file_name=f"audit-{n}.xlsx",
                                  sha256=f"{n:064x}", size_bytes=1, tables=tables)
    return Workspace.locate(ws.root)


def _norm(text: str) -> str:
    return " ".join(re.sub("\u2010\\s+", "", text.replace("\u202f", " ").replace("\u00a0", " ")).split())


def _html_text(path: Path) -> str:
    raw = re.sub(r"<style>.*?</style>", "", Path(path).read_text(encoding="utf-8"), flags=re.DOTALL)
    # Tags are left out (the embedded chart images with them): the text a reader sees.
    return _norm(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.fixture(scope="module")
def workspace3(tmp_path_factory) -> Workspace:
    return build_workspace(tmp_path_factory.mktemp("batch") / "ws")


def test_territories_from_settings():
    s = Settings.model_validate({"territory": {"code": "arr:522"},
                                 "batch": {"territories": ["be:4420", "dep:21"], "within": "dep:52"}})
    # Own territory first, then the listed ones, then the areas of dep:52 (be:4420 only once).
    assert batch_territories(s) == ["arr:522", "be:4420", "dep:21", "be:4418", "be:4419"]
    s = Settings.model_validate({"territory": {"code": "arr:522"},
                                 "batch": {"within": ["dep:52"], "include_workspace": False}})
    assert batch_territories(s) == ["be:4418", "be:4419", "be:4420"]


@pytest.mark.parametrize("batch, message", [
    ({}, "Aucun territoire défini"),
    ({"territories": ["dep:999"]}, "[batch] territories : territoire invalide"),
    ({"within": "epci:200072999"}, "aucun bassin d'emploi BMO connu"),
])
def test_bad_batch_settings_are_usage_errors(workspace, gtec, batch, message):
    toml = workspace.root / "gtec.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in batch.items():
        text = text.replace(f"{key} = []", f"{key} = {value!r}".replace("'", '"'))
    toml.write_text(text, encoding="utf-8")
    r = gtec("-w", workspace.root, "report", "diagnostic", "--all-territories", "--format", "html")
    assert r.exit_code == 2 and message in r.stderr


def test_pdfs_with_the_right_territory_in_each(workspace3, gtec):
    r = gtec("-w", workspace3.root, "report", "diagnostic", "--all-territories", "--jobs", "2")
    assert r.exit_code == 0, r.stderr
    files = r.stdout.split()
    reports = workspace3.root / "reports"
    expected = [reports / area.replace(":", "-") / PERIOD / "diagnostic.pdf" for area in AREAS]
    assert files == [str(p) for p in expected]
    for (area, count), path in zip(AREAS.items(), expected):
        text = _norm(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))
        assert f"bassin d'emploi BMO {area[3:]} ({area})" in text  # the cover names the territory
        others = [a for a in AREAS if a != area]
        assert not any(f"({other})" in text for other in others)
        assert f"{count} entreprises ont répondu à l'audit" in text  # its own companies only
        ageing = f"{100 * OLD[area] / 1000:.1f}".replace(".", ",")
        assert f"Indice de vieillissement — bassin d'emploi BMO {area[3:]}, 2021 : {ageing}" in text
    # One line per territory with its time, then the summary.
    for area in AREAS:
        assert re.search(rf"{area} : \d+,\d s → .*diagnostic\.pdf", r.stderr)
    assert re.search(r"3 diagnostic\(s\) sur 3 pour 2026-T4 en \d+,\d s avec 2 processus", r.stderr)


def test_one_and_two_jobs_give_the_same_texts(workspace3, gtec):
    texts = {}
    for jobs in ("1", "2"):
        r = gtec("-w", workspace3.root, "--json", "report", "diagnostic", "--all-territories", "--jobs", jobs,
                 "--format", "html")
        assert r.exit_code == 0, r.stderr
        doc = r.json()
        assert doc["jobs"] == int(jobs) and doc["rendered"] == 3 and doc["failed"] == 0
        assert [t["territory"] for t in doc["territories"]] == list(AREAS)
        texts[jobs] = [_html_text(t["file"]) for t in doc["territories"]]
    assert texts["1"] == texts["2"]
    assert len(set(texts["1"])) == 3  # three different reports


def test_a_failing_territory_does_not_stop_the_others(workspace3, gtec):
    # be:4420's output folder cannot be created: a file stands where the folder should be.
    blocked = workspace3.root / "reports" / "be-4420"
    if blocked.exists():
        import shutil

        shutil.rmtree(blocked)
    blocked.write_text("pas un dossier")
    try:
        r = gtec("-w", workspace3.root, "--json", "report", "diagnostic", "--all-territories", "--jobs", "2",
                 "--format", "html")
    finally:
        blocked.unlink()
    assert r.exit_code == 1
    doc = r.json()
    by = {t["territory"]: t for t in doc["territories"]}
    assert doc["rendered"] == 2 and doc["failed"] == 1
    assert by["be:4420"]["error"] and by["be:4420"]["file"] is None
    assert Path(by["be:4418"]["file"]).exists() and Path(by["be:4419"]["file"]).exists()
    log = workspace3.root / "logs" / "gtec-errors.log"
    assert "be:4420" in log.read_text(encoding="utf-8")


def test_jobs_needs_all_territories(workspace3, gtec):
    r = gtec("-w", workspace3.root, "report", "diagnostic", "--jobs", "2")
    assert r.exit_code == 2 and "--all-territories" in r.stderr
    r = gtec("-w", workspace3.root, "report", "diagnostic", "--all-territories", "--territory", "be:4418")
    assert r.exit_code == 2
