"""The corpus of bad files (tests/corpus/, made by make_corpus.py): each is refused with exit code 1,
a located message, no traceback, and a store left exactly as it was; the awkward but acceptable
ones are accepted with the right behaviour.

Files that crash python-calamine when nothing protects it (bombs, huge or far-away cells) run in a
subprocess: if a defence regressed, the child aborts, not pytest.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import CORPUS, snapshot
from gtec_cli.ingest.safety import OLE_MAGIC

GTEC = str(Path(sys.executable).with_name("gtec"))


def corpus_module():
    """tests/corpus/make_corpus.py, imported by path (the corpus folder is not a package)."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
SYS_TIMEOUT = 20  # "within seconds"; the slowest case takes about one second


# --- the store, before and after -----------------------------------------------------------------
@pytest.fixture
def loaded(workspace, gtec):
    """A workspace holding one drop already (the observatory file), and its snapshot."""
    r = gtec("-w", workspace.root, "ingest", CORPUS / "valid-opeq.xlsx")
    assert r.exit_code == 0, r.stderr
    before = snapshot(workspace.store_path)
    assert before["drops"][0] == 1 and before["population"][0] == 4
    return workspace, before


def run_cli(*args, timeout: float = SYS_TIMEOUT) -> tuple[int, str, str, float]:
    """Run the installed `gtec` script in a child process: (exit code, stdout, stderr, seconds)."""
    start = time.perf_counter()
    proc = subprocess.run([GTEC, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def findings(document: dict) -> list[dict]:
    return [f for file in document["files"] for f in file.get("findings", file.get("report", {}).get(
        "findings", []))]


# --- refused, each at its cell -----------------------------------------------------------------
#: file -> (code, sheet, cell, fragment of the French message)
REFUSED = {
    "csv-renamed.xlsx": ("not-a-workbook", None, None, "CSV renommé"),
    "legacy.xls": ("legacy-xls", None, None, "Excel 97-2003"),
    "password-protected.xlsx": ("password-protected", None, None, "protégé par un mot de passe"),
    "empty-workbook.xlsx": ("empty-workbook", None, None, "ne contient aucune donnée"),
    "zero-bytes.xlsx": ("empty-file", None, None, "vide (0 octet)"),
    "no-data-rows.xlsx": ("empty-workbook", None, None, "Aucune ligne de données"),
    "truncated.xlsx": ("corrupt-file", None, None, "tronqué ou corrompu"),
    "missing-sheet.xlsx": ("missing-sheet", None, None, "Feuille obligatoire absente : « Entreprise »"),
    "missing-column.xlsx": ("missing-column", "Effectifs", "A2", "Colonne obligatoire absente : « Effectif »"),
    "duplicate-headers.xlsx": ("duplicate-header", "Effectifs", "F2", "Deux colonnes portent l'en-tête"),
    "excel-errors.xlsx": ("excel-error", "Effectifs", "E3", "Cellule en erreur Excel #N/A"),
    "formula-no-value.xlsx": ("formula-without-value", "Effectifs", "E3", "Formule sans valeur calculée"),
    "negative-headcount.xlsx": ("negative-count", "Effectifs", "E3", "ne peut pas être négatif"),
    "non-numeric-headcount.xlsx": ("type-error", "Effectifs", "E3", "Nombre attendu"),
    "unknown-age-band.xlsx": ("unknown-age-band", "Effectifs", "B3", "Tranche d'âge non reconnue"),
    "malformed-rome.xlsx": ("invalid-occupation", "Effectifs", "A3", "Code métier mal formé"),
    "invalid-siret.xlsx": ("invalid-siret", "Entreprise", "A4", "clé de contrôle (Luhn)"),
    "same-company-twice.xlsx": ("duplicate-row", "Entreprise", "A6", "Ligne en double"),
    "personal-columns.xlsx": ("personal-identifier", "Effectifs", "A2", "donnée personnelle refusée"),
    "personal-values.xlsx": ("personal-identifier", "Effectifs", "F2", "contient des adresses e-mail"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_located_message_and_store_untouched(name, loaded, gtec):
    ws, before = loaded
    code, sheet, cell, fragment = REFUSED[name]
    path = CORPUS / name

    r = gtec("-w", ws.root, "--json", "ingest", path)
    assert r.exit_code == 1
    document = r.json()  # one JSON document on stdout, nothing else
    assert document["stored"] is False
    hits = [f for f in findings(document) if f["code"] == code]
    assert hits, findings(document)
    assert hits[0]["file"] == name and hits[0]["severity"] == "error"
    if cell:
        assert (hits[0]["sheet"], hits[0]["cell"]) == (sheet, cell)
    assert fragment in hits[0]["message"]
    assert hits[0].get("fix"), "every refusal says how to fix it"

    r = gtec("-w", ws.root, "ingest", path)
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert fragment in r.stderr
    assert (f"{name}, {sheet}!{cell}" if cell else name) in r.stderr
    assert snapshot(ws.store_path) == before


def test_every_error_of_a_file_is_reported(loaded, gtec):
    """Errors are collected, not stopped at the first: both error cells are named."""
    ws, _ = loaded
    r = gtec("-w", ws.root, "--json", "validate", CORPUS / "excel-errors.xlsx")
    cells = {(f["cell"], f.get("value")) for f in findings(r.json()) if f["code"] == "excel-error"}
    assert cells == {("E3", "#N/A"), ("E4", "#REF!")}


def test_duplicate_company_names_the_first_row(loaded, gtec):
    ws, _ = loaded
    r = gtec("-w", ws.root, "--json", "validate", CORPUS / "same-company-twice.xlsx")
    (dup,) = [f for f in findings(r.json()) if f["code"] == "duplicate-row"]
    assert "ligne 4" in dup["message"]  # the first occurrence, so both rows can be compared


def test_one_bad_file_stores_nothing_of_the_good_ones(loaded, gtec):
    ws, before = loaded
    r = gtec("-w", ws.root, "ingest", CORPUS / "valid-audit.xlsx", CORPUS / "negative-headcount.xlsx")
    assert r.exit_code == 1
    assert "rien n'a été enregistré" in r.stderr
    assert snapshot(ws.store_path) == before


def test_missing_file_is_a_usage_error(loaded, gtec):
    ws, before = loaded
    r = gtec("-w", ws.root, "ingest", ws.root / "absent.xlsx")
    assert r.exit_code == 2
    assert "introuvable" in r.stderr and "absent.xlsx" in r.stderr
    assert snapshot(ws.store_path) == before


# --- hostile files, in a child process -----------------------------------------------------------
#: file -> (code, fragment of the message)
HOSTILE = {
    "entity-bomb.xlsx": ("xml-entities", "déclare des entités XML"),
    "zip-bomb.xlsx": ("zip-bomb", "bombe de décompression"),
    "huge-dimension.xlsx": ("huge-dimension", "1 048 576 lignes × 16 384 colonnes"),
    "far-cell.xlsx": ("huge-dimension", "jusqu'en XFD1048576"),
    "unreferenced-cells.xlsx": ("huge-dimension", "cellules à réserver"),
    "huge-cell.xlsx": ("cell-too-long", "Texte de plus de 32767 caractères"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_refused_within_seconds(name, loaded):
    ws, before = loaded
    code, fragment = HOSTILE[name]
    rc, out, err, seconds = run_cli("-w", ws.root, "--json", "ingest", CORPUS / name)
    assert rc == 1, err[-2000:]  # a crash of calamine would be -6 (SIGABRT)
    assert seconds < SYS_TIMEOUT
    assert "Traceback" not in out + err and "Erreur :" in err
    hits = [f for f in findings(json.loads(out)) if f["code"] == code]
    assert hits and fragment in hits[0]["message"], out[-2000:]
    assert hits[0]["file"] == name
    assert snapshot(ws.store_path) == before


def test_huge_cell_is_located_and_not_echoed(loaded, gtec):
    ws, _ = loaded
    r = gtec("-w", ws.root, "--json", "validate", CORPUS / "huge-cell.xlsx")
    (hit,) = [f for f in findings(r.json()) if f["code"] == "cell-too-long"]
    assert (hit["sheet"], hit["cell"]) == ("Diagnostic", "C2")
    assert len(r.stdout) < 20_000  # the 10 MB value is cut short in the output


# --- personal data never leaves the file -------------------------------------------------------
@pytest.mark.parametrize("name", ["personal-columns.xlsx", "personal-values.xlsx"])
def test_personal_values_never_echoed(name, loaded, gtec, tmp_path):
    PERSONAL_VALUES = corpus_module().PERSONAL_VALUES
    ws, before = loaded
    copy = tmp_path / name
    shutil.copy(CORPUS / name, copy)
    outputs = []
    for args in (("validate", "--annotate", copy), ("--json", "validate", copy),
                 ("ingest", copy), ("--json", "ingest", copy)):
        r = gtec("-w", ws.root, *args)
        assert r.exit_code == 1
        outputs += [r.stdout, r.stderr]
    annotated = tmp_path / name.replace(".xlsx", ".annote.xlsx")
    assert annotated.exists()
    with zipfile.ZipFile(annotated) as zf:
        outputs += [zf.read(member).decode("utf-8", "replace") for member in zf.namelist()]
    planted = [v for v in PERSONAL_VALUES if v in (CORPUS / name).read_bytes().decode("latin-1")
               or v.encode() in _inflated(CORPUS / name)]
    assert planted, "the corpus file must hold personal values for this test to mean anything"
    for value in planted:
        for text in outputs:
            assert value not in text
    assert snapshot(ws.store_path) == before


def _inflated(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(m) for m in zf.namelist())


# --- accepted, with the right behaviour --------------------------------------------------------
def test_same_file_twice_is_stored_once(loaded, gtec):
    ws, _ = loaded
    r = gtec("-w", ws.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert r.exit_code == 0, r.stderr
    after_first = snapshot(ws.store_path)
    assert after_first["drops"][0] == 2 and after_first["companies"][0] == 1

    r = gtec("-w", ws.root, "--json", "ingest", CORPUS / "valid-audit.xlsx")
    assert r.exit_code == 0
    (outcome,) = r.json()["files"]
    assert outcome["status"] == "duplicate" and outcome["duplicate_of"] == 2
    r = gtec("-w", ws.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert r.exit_code == 0 and "déjà enregistré (dépôt n° 2), ignoré" in r.stderr
    assert snapshot(ws.store_path) == after_first


def test_renamed_copy_is_recognised(loaded, gtec, tmp_path):
    ws, _ = loaded
    assert gtec("-w", ws.root, "ingest", CORPUS / "valid-audit.xlsx").exit_code == 0
    after_first = snapshot(ws.store_path)
    renamed = tmp_path / "audit-coutellerie-relance.xlsx"
    shutil.copy(CORPUS / "valid-audit.xlsx", renamed)
    r = gtec("-w", ws.root, "--json", "ingest", renamed)
    assert r.exit_code == 0
    assert r.json()["files"][0]["status"] == "duplicate"
    assert snapshot(ws.store_path) == after_first


def test_same_content_twice_in_one_command(loaded, gtec, tmp_path):
    ws, before = loaded
    copy = tmp_path / "copie.xlsx"
    shutil.copy(CORPUS / "valid-audit.xlsx", copy)
    r = gtec("-w", ws.root, "--json", "ingest", CORPUS / "valid-audit.xlsx", copy)
    assert r.exit_code == 0
    statuses = [f["status"] for f in r.json()["files"]]
    assert sorted(statuses) == ["duplicate", "stored"]
    assert snapshot(ws.store_path)["drops"][0] == before["drops"][0] + 1


def test_text_that_looks_like_a_formula_is_stored_as_typed(loaded, gtec):
    from gtec_cli.store import Store

    ws, _ = loaded
    r = gtec("-w", ws.root, "ingest", CORPUS / "formula-like-text.xlsx")
    assert r.exit_code == 0, r.stderr
    with Store.open(ws.store_path) as store:
        comments = store.read("assessments", columns=["theme", "comment"])
        hires = store.read("hires", columns=["positions"])
    assert dict(zip(comments["theme"], comments["comment"])) == {
        "transmission": '=HYPERLINK("http://example.org";"cliquez")',
        "recrutement": "+33 candidats attendus",
        "formation": "-20 % d'heures de formation",
        "management": "@SOMME(A1:A9)",
    }
    # A real formula is never evaluated: its value is the one Excel saved with it.
    assert hires["positions"].tolist() == [2.0]


# --- the corpus is what its generator makes ----------------------------------------------------
def _members(data: bytes) -> list[tuple[str, int, int]]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, i.CRC, i.file_size) for i in zf.infolist()]


def _decrypted(data: bytes) -> bytes:
    import io

    import msoffcrypto

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="gtec")
    out = io.BytesIO()
    office.decrypt(out)
    return out.getvalue()


@pytest.mark.slow
def test_corpus_matches_its_generator(tmp_path):
    """The committed files are what make_corpus.py writes (compared by content: deflate bytes
    depend on the zlib version, encryption salts on msoffcrypto's)."""
    make_corpus = corpus_module()
    make_corpus.main(tmp_path)
    for name in make_corpus.CASES:
        committed, fresh = (CORPUS / name).read_bytes(), tmp_path / name
        if not fresh.exists():  # msoffcrypto-tool absent: the committed file is kept
            assert name == "password-protected.xlsx"
            continue
        fresh = fresh.read_bytes()
        if name == "password-protected.xlsx":
            assert committed.startswith(OLE_MAGIC)
            assert _members(_decrypted(committed)) == _members(_decrypted(fresh))
        elif name == "truncated.xlsx":  # the first half of the audit workbook's bytes
            audit = (CORPUS / "valid-audit.xlsx").read_bytes()
            assert committed == audit[: len(audit) // 2]
        elif committed[:2] == b"PK":
            assert _members(committed) == _members(fresh), name
        else:
            assert committed == fresh, name


def test_annotated_copies_can_go_to_their_own_folder(loaded, gtec, tmp_path):
    """`--annotate-dir` keeps the copies out of the folder a later `gtec ingest retours/*.xlsx`
    reads; the workbooks themselves are left untouched."""
    ws, before = loaded
    returns = tmp_path / "retours"
    returns.mkdir()
    copy = returns / "personal-columns.xlsx"
    shutil.copy(CORPUS / "personal-columns.xlsx", copy)
    original = copy.read_bytes()
    r = gtec("-w", ws.root, "--json", "validate", copy, "--annotate-dir", tmp_path / "a-renvoyer")
    assert r.exit_code == 1
    (doc,) = r.json()["files"]
    assert doc["annotated"] == str(tmp_path / "a-renvoyer" / "personal-columns.annote.xlsx")
    assert (tmp_path / "a-renvoyer" / "personal-columns.annote.xlsx").exists()
    assert sorted(p.name for p in returns.iterdir()) == ["personal-columns.xlsx"]
    assert copy.read_bytes() == original
    (tmp_path / "fichier").write_text("x")
    r = gtec("-w", ws.root, "validate", copy, "--annotate-dir", tmp_path / "fichier")
    assert r.exit_code == 2 and "pas un dossier" in r.stderr
    assert snapshot(ws.store_path) == before
