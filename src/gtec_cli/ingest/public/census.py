"""Kind `insee-census`: Insee census population by age, into the `population` table.

Two layouts are read, as CSV (`;`, `,` or tab) or xlsx:

- the census *base* layout: one row per territory, `CODGEO, LIBGEO, Pyy_POP, Pyy_POP0014, …` with
  `yy` the census year (`P21_` = 2021), and where present the sex columns `Pyy_POPH`, `Pyy_H0014`,
  `Pyy_F0014`…. Insee's xlsx files put title rows above the header: the header is the row with
  `CODGEO`;
- a plain *long* layout: territory, year, age band, sex, people (the observatory's population sheet).

Band families. Insee publishes the same people in two band families: 0–14, 15–29, 30–44, 45–59,
60–74, 75–89, 90+ (or 75+ as in table POP T0) and 0–19, 20–64, 65+. Summing both would count
everyone twice, and dropping one would lose an indicator (the ageing index needs 0–19 and 65+, the
share of 60+ needs the first family). So both are stored: the first family as the main bands
(`age_family` NULL, they partition the ages), the other with `age_family` = 'alternative' — any
sum over ages must leave those rows out. A family present alone is the main one. The total
`Pyy_POP` is not stored when bands are: it is checked against their sum (a warning if it differs),
and stored as a row without age band only when a file has no bands.

Territories: `CODGEO` is a commune (5 characters) or an EPCI (9 digits) by its shape; other meshes
come from the option `mesh` (`dep`, `reg`…), a `NIVGEO`/`maille` column, the xlsx sheet name
(`DEP_2021`), or qualified codes (`dep:52`). Paris, Lyon and Marseille's municipal arrondissements
(sheet `ARM_…`) are skipped: they detail communes already counted.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from ... import nomenclatures as nom
from ...errors import Report, cell_ref
from ..kinds import Kind, Parsed, Probe, register
from ..specs import AGE, MESH, SEX, TERRITORY, YEAR
from ..tables import Column, SheetSpec, read_table
from ..values import BadValue, as_code_text, norm_text, parse_age_band, parse_count
from ..workbook import Sheet, Workbook
from .common import MISSING, counted, header_names, load_csv

_BASE = re.compile(r"^P(\d{2})_(?:POP([HF])?|([HF]))(\d{4}|\d{2}P)?$", re.I)
#: Insee's main band family (POP T0 with 75+ split in 75–89 and 90+, or not).
MAIN_BANDS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
MAIN_CLOSING = "75P"  # POP T0's 75 and over, instead of 7589 + 90P
ALT_BANDS = ("0019", "2064", "65P")
_SHEET_MESH = re.compile(r"^(com|arm|epci|dep|reg|ze|arr)\b")
_NIVGEO = {"com": "com", "commune": "com", "epci": "epci", "dep": "dep", "reg": "reg", "fe": "fr",
           "france": "fr", "ze": "ze", "arr": "arr", "metro": "fr"}
#: Difference tolerated between a total and the sum of its bands, per band: published figures
#: are rounded one by one (Grand Langres 2015: bands sum to 21 241, total 21 242).
TOLERANCE = 0.5

LONG = SheetSpec(
    "population", "population", "Population", (),
    (dataclasses.replace(TERRITORY, aliases=(*TERRITORY.aliases, "territory")),
     MESH, YEAR, SEX, AGE,
     Column("people", ("population", "effectif", "nombre", "habitants", "personnes", "people", "pop"),
            parse_count, required=True, maskable=True, label="Population")),
    keys=("territory", "year", "sex", "age_band"),
)


# --- detection -----------------------------------------------------------------------------------
def detect(probe: Probe) -> int:
    """Confidence that a file is an Insee census file: `CODGEO` and `Paa_POP…` headers, a long
    layout's territory/year/age/population headers, or Insee sheet names (`COM_2021`)."""
    if probe.format == "xlsx":
        names = [norm_text(n) for n in probe.sheet_names]
        return 70 if any(re.match(r"^(com|epci|dep|reg|ze)( \d{4})?$", n) for n in names) else 0
    names = set(header_names(probe))
    if "codgeo" in names and any(re.match(r"^p\d{2} (pop|h|f)", n) for n in names):
        return 95
    has = {
        "territory": names & {"territoire", "territory", "codgeo", "code geographique"},
        "year": names & {"annee", "year"},
        "age": names & {"tranche d age", "age", "age band", "classe d age"},
        "people": names & {"population", "people", "effectif", "habitants"},
    }
    return 70 if all(has.values()) else 0


# --- reading -------------------------------------------------------------------------------------
@dataclasses.dataclass
class _Grid:
    """A table as text, wherever it came from: header, rows, the file row of each, the sheet."""

    header: list[str]
    frame: pd.DataFrame
    lines: list[int]
    sheet: str | None
    mesh: str | None = None


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """A census file (base or long layout, CSV or xlsx) into `population` rows. Option `mesh`
    (`dep`, `reg`…) says what CODGEO codes are when their shape does not."""
    mesh = None
    if options.get("mesh"):
        try:
            mesh = nom.mesh(options["mesh"])
        except BadValue as exc:
            report.error("invalid-mesh", f"Option mesh : {exc.message}", fix=exc.fix)
            return None
    if probe.format == "xlsx":
        return _read_xlsx(path, report, mesh)
    frame = load_csv(path, probe, report)
    if frame is None:
        return None
    header = [str(c) for c in frame.columns]
    if any(_BASE.match(h.strip()) for h in header):
        return _read_base(_grid(header, frame.values.tolist(), 2, None, mesh, report), report)
    sheet = Sheet(name=path.name, rows=[header, *frame.values.tolist()])
    return _read_long(sheet, report, mesh, sheet_name=None)


def _read_xlsx(path: Path, report: Report, mesh: str | None) -> Parsed | None:
    with Workbook(path) as book:
        skipped = [n for n in book.sheet_names if norm_text(n).startswith("arm")]
        if skipped:
            report.add_info("Feuille(s) des arrondissements municipaux ignorée(s) (elles détaillent "
                            f"Paris, Lyon et Marseille, déjà comptées) : {', '.join(skipped)}.",
                            code="ignored-sheet")
        for name in book.sheet_names:
            if name in skipped:
                continue
            sheet = book.sheet(name)
            for r, row in enumerate(sheet.rows[:40]):
                labels = [norm_text(v) for v in row]
                if "codgeo" in labels and any(_BASE.match(str(v).strip()) for v in row):
                    header = [str(v).strip() for v in row]
                    code_col = labels.index("codgeo")
                    # calamine reads numbers as floats: a code typed as a number is 52269.0.
                    body = [[as_code_text(v) if c == code_col else ("" if v is None else str(v))
                             for c, v in enumerate(line)] for line in sheet.rows[r + 1:]]
                    found = _SHEET_MESH.match(norm_text(name))
                    sheet_mesh = mesh or (found and {"arm": "com"}.get(found[1], found[1]))
                    return _read_base(_grid(header, body, r + 2, name, sheet_mesh, report), report)
            if LONG.matches_sheet(name) or len(book.sheet_names) == 1:
                return _read_long(sheet, report, mesh, sheet_name=name)
    report.error("missing-header", "Aucune feuille au format du recensement (en-tête CODGEO et "
                 "colonnes Paa_POP…) ni au format long (territoire, année, tranche d'âge, population).",
                 fix="Vérifiez qu'il s'agit d'un fichier de population de l'Insee.")
    return None


def _grid(header: list[str], body: list[list], first_line: int, sheet: str | None,
          mesh: str | None, report: Report) -> _Grid:
    """The data rows as text with their file line; blank rows and notes under the table
    (`Source : Insee…`, one filled cell) are left out, and counted."""
    width = len(header)
    frame = pd.DataFrame([list(row[:width]) + [""] * (width - len(row)) for row in body],
                         columns=range(width), dtype=str).fillna("")
    filled = frame.apply(lambda col: col.str.strip().ne("")).sum(axis=1)
    counted(report, "note-skipped", "Ligne(s) de note sous le tableau ignorée(s).",
            int((filled == 1).sum()), severity="info")
    keep = filled > 1
    lines = [first_line + i for i in range(len(frame))]
    frame = frame[keep].reset_index(drop=True)
    frame.columns = header
    return _Grid(header, frame, [n for n, k in zip(lines, keep) if k], sheet, mesh)


def _columns(header: list[str], report: Report, sheet: str | None) -> dict[int, tuple]:
    """Column index -> (year, sex, band key or None for a total) for each `Pyy_…` column used."""
    found: dict[int, tuple] = {}
    ignored = []
    for c, name in enumerate(header):
        m = _BASE.match(name.strip())
        if not m:
            continue
        yy, sex_pop, sex, band = m.groups()
        if sex and not band:
            ignored.append(name)
            continue
        band = band.upper() if band else None
        if band and band not in (*MAIN_BANDS, MAIN_CLOSING, *ALT_BANDS):
            ignored.append(name.strip())  # 1564, 15P…: other cuts of the same people
            continue
        year = 2000 + int(yy) if int(yy) < 50 else 1900 + int(yy)
        found[c] = (year, (sex_pop or sex or "T").upper(), band)
    if ignored:
        report.warning("ignored-column", f"{len(ignored)} colonne(s) de tranches d'âge non retenue(s) "
                       f"(autres découpages des mêmes personnes) : {', '.join(ignored[:8])}"
                       + ("…" if len(ignored) > 8 else ""), sheet=sheet)
    return found


def _families(columns: dict[int, tuple]) -> dict[int, str | None]:
    """Column index -> age_family: None for the main bands (and totals), 'alternative' for a
    second family of the same (year, sex). A family present alone is the main one."""
    out: dict[int, str | None] = {}
    groups: dict[tuple, set[str]] = {}
    for year, sex, band in columns.values():
        if band:
            groups.setdefault((year, sex), set()).add(band)
    for c, (year, sex, band) in columns.items():
        bands = groups.get((year, sex), set())
        if band is None or band in MAIN_BANDS:
            out[c] = None
        elif band == MAIN_CLOSING:  # 75+ repeats 75-89 + 90+ when those are published too
            out[c] = "alternative" if bands & {"7589", "90P"} else None
        else:  # 0-19, 20-64, 65+: the second family, unless it is the only one
            out[c] = "alternative" if bands & {*MAIN_BANDS, MAIN_CLOSING} else None
    return out


def _territories(grid: _Grid, report: Report) -> pd.Series | None:
    labels = [norm_text(h) for h in grid.header]
    if "codgeo" not in labels:
        report.error("missing-column", "Colonne « CODGEO » absente.", sheet=grid.sheet,
                     fix="Le fichier du recensement a toujours une colonne CODGEO.")
        return None
    code_col = grid.header[labels.index("codgeo")]
    level_col = next((grid.header[i] for i, lab in enumerate(labels)
                      if lab in ("nivgeo", "maille", "niveau geographique")), None)
    codes = grid.frame[code_col].astype(str).str.strip()
    meshes = ([_NIVGEO.get(norm_text(v), grid.mesh) for v in grid.frame[level_col]] if level_col
              else [grid.mesh] * len(codes))
    cache: dict[tuple, str | BadValue] = {}
    out, bad = [], 0
    for i, (code, mesh) in enumerate(zip(codes, meshes)):
        key = (code, mesh)
        if key not in cache:
            try:
                cache[key] = nom.territory(code, mesh) if mesh else nom.territory(code)
            except BadValue as exc:
                cache[key] = exc
        hit = cache[key]
        if isinstance(hit, BadValue):
            out.append(None)
            if code:
                bad += 1
                if bad <= 20:
                    report.add_finding(code=hit.code, message=hit.message, severity="error",
                                       sheet=grid.sheet,
                                       cell=cell_ref(grid.lines[i] - 1, labels.index("codgeo")),
                                       column="CODGEO", value=code,
                                       fix="Précisez la maille : option mesh (dep, reg…), colonne "
                                           "« maille », ou codes qualifiés (dep:52).")
        else:
            out.append(hit)
    if bad > 20:
        report.add_finding(code="invalid-territory", severity="error", message="Autres codes CODGEO "
                           "non reconnus.", sheet=grid.sheet, column="CODGEO", count=bad - 20)
    return pd.Series(out, index=grid.frame.index, dtype=object)


def _read_base(grid: _Grid, report: Report) -> Parsed | None:
    columns = _columns(grid.header, report, grid.sheet)
    if grid.frame.empty:
        report.error("empty-table", "Aucune ligne de données sous l'en-tête.", sheet=grid.sheet,
                     fix="Vérifiez que le fichier n'a pas été tronqué.")
        return None
    territory = _territories(grid, report)
    if territory is None or not columns:
        return None
    twice = territory.duplicated() & territory.notna()
    code_col = [norm_text(h) for h in grid.header].index("codgeo")
    for i in list(twice[twice].index)[:20]:
        report.error("duplicate-row", f"Territoire {territory[i]} en double : sa population serait "
                     "comptée deux fois.", sheet=grid.sheet,
                     cell=cell_ref(grid.lines[i] - 1, code_col), value=str(territory[i]),
                     fix="Gardez une seule ligne par territoire.")
    families = _families(columns)
    with_bands = {(year, sex) for year, sex, band in columns.values() if band}
    keep = territory.notna()
    parts = []
    for c, (year, sex, band) in columns.items():
        age = parse_age_band(band) if band else (None, None, None)
        parts.append(pd.DataFrame({
            "row": grid.lines, "territory": territory, "year": year, "sex": sex, "age_band": age[0],
            "age_min": age[1], "age_max": age[2], "raw": grid.frame.iloc[:, c].str.strip(),
            "col": c, "band": band or "", "age_family": families[c],
            # A total is kept only where no band splits it (else it would be counted twice).
            "stored": band is not None or (year, sex) not in with_bands}).loc[keep])
    long = pd.concat(parts, ignore_index=True)
    long["people"], masked = _people(long, grid, report)
    _check_totals(long, report)
    out = long.loc[long["stored"], ["row", "territory", "year", "sex", "age_band", "age_min",
                                   "age_max", "people", "age_family"]]
    out.insert(0, "sheet", grid.sheet)
    # Back in file order: row by row, the columns as published.
    return _parsed(out.sort_values("row", kind="stable").reset_index(drop=True), report,
                   masked=masked)


def _people(long: pd.DataFrame, grid: _Grid, report: Report) -> tuple[pd.Series, int]:
    """Population cells as numbers. Plain numbers (most cells) go through at once; the others
    (`1 234,5`, `*`, empty) are looked at one by one, bad ones reported at their cell."""
    raw = long["raw"]
    people = pd.to_numeric(raw, errors="coerce")
    odd = people.isna()
    low = raw[odd].str.lower()
    empty = low.isin(MISSING)
    masked = low.isin({"*", "s", "nd", "secret"}) & ~empty
    rest = low[~(empty | masked)]
    fixed = pd.to_numeric(rest.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
                          .str.replace(",", ".", regex=False), errors="coerce")
    people.loc[fixed.index] = fixed
    bad = fixed.index[fixed.isna()].union(people.index[people < 0])
    for i in bad[:20]:
        col = int(long.at[i, "col"])
        report.error("type-error", "Effectif de population attendu (nombre positif).", sheet=grid.sheet,
                     cell=cell_ref(int(long.at[i, "row"]) - 1, col), column=grid.header[col],
                     value=str(long.at[i, "raw"]))
    if len(bad) > 20:
        report.error("type-error", "Autres effectifs non numériques.", sheet=grid.sheet,
                     count=len(bad) - 20)
    people.loc[bad] = float("nan")
    counted(report, "masked-cell", "Cellule(s) masquée(s) : lues comme manquantes, jamais comme 0.",
            int(masked.sum()))
    counted(report, "missing-value", "Cellule(s) de population vide(s) : lues comme manquantes.",
            int(empty.sum()), severity="info")
    return people, int(masked.sum())


def _check_totals(long: pd.DataFrame, report: Report) -> None:
    """The total Pyy_POP against the sum of its main bands, per territory, year and sex."""
    keys = ["territory", "year", "sex"]
    totals = long[long["band"] == ""].set_index(keys)["people"]
    main = long[(long["band"] != "") & long["age_family"].isna()].groupby(keys)["people"]
    both = totals.to_frame("total").join(main.sum(min_count=1).rename("bands"), how="inner")
    both = both.join(main.size().rename("n")).dropna()
    off = (both["total"] - both["bands"]).abs() > TOLERANCE * both["n"]
    if off.any():
        sample = ", ".join(f"{t} {y} {s}" for t, y, s in both[off].index[:5])
        counted(report, "inconsistent-total", "Total de population différent de la somme de ses "
                f"tranches d'âge ({sample}) : les tranches sont gardées, le total ignoré.",
                int(off.sum()))


def _read_long(sheet: Sheet, report: Report, mesh: str | None, *, sheet_name: str | None) -> Parsed | None:
    context = {"territory": (lambda v, hint=None: nom.territory(v, hint or mesh))} if mesh else None
    result = read_table(sheet, LONG, report, column_context=context)
    if result is None:
        return None
    frame = result.frame.drop(columns=[c for c in result.frame.columns if c.startswith("_")])
    if sheet_name is None:
        frame["sheet"] = None
    _check_overlaps(frame, report, sheet_name)
    frame["age_family"] = None
    return _parsed(frame, report, masked=sum(result.masked.values()))


def _check_overlaps(frame: pd.DataFrame, report: Report, sheet: str | None) -> None:
    """Overlapping bands for one territory, year and sex would count people twice: an error at
    each band that starts before the previous one of its group ends."""
    if "age_min" not in frame:
        return
    keys = [k for k in ("territory", "year", "sex") if k in frame]
    bands = frame.dropna(subset=["age_min"]).astype({"age_min": float})
    bands = bands.sort_values([*keys, "age_min"], kind="stable")
    groups = [bands[k].astype(str) for k in keys]
    top = pd.to_numeric(bands["age_max"], errors="coerce").fillna(float("inf"))
    previous = top.groupby(groups).cummax().groupby(groups).shift()
    overlap = bands["age_min"] <= previous
    for _, row in bands[overlap].head(20).iterrows():
        report.error("overlapping-age-bands",
                     f"Ligne {int(row['row'])} : tranches d'âge qui se chevauchent pour "
                     f"{row['territory']} en {row['year']} : "
                     "les mêmes personnes seraient comptées deux fois.", sheet=sheet,
                     cell=f"A{int(row['row'])}", value=str(row["age_band"]),
                     fix="Gardez un seul découpage par territoire et année (ex. 0-14, 15-29, …), "
                         "ou déposez l'autre découpage dans un fichier au format du recensement.")
    if overlap.sum() > 20:
        report.error("overlapping-age-bands", "Autres tranches qui se chevauchent.", sheet=sheet,
                     count=int(overlap.sum()) - 20)


def _parsed(frame: pd.DataFrame, report: Report, *, masked: int) -> Parsed:
    years = sorted({int(y) for y in frame["year"].dropna()})
    territories = sorted(set(frame["territory"].dropna()))
    pairs = frame[["territory", "year"]].dropna().drop_duplicates()
    metadata = {
        "vintage": ", ".join(f"RP{y}" for y in years), "years": years,
        "territories": territories if len(territories) <= 2000 else territories[:50],
        "territories_count": len(territories), "rows": len(frame), "masked_cells": masked,
        "age_families": sorted({str(f) for f in frame["age_family"].dropna()}),
    }
    keys = {f"population|{t}|{int(y)}" for t, y in pairs.itertuples(index=False, name=None)}
    return Parsed(tables={"population": frame}, metadata=metadata, keys=keys)


INSEE_CENSUS = register(Kind(
    name="insee-census", label="Recensement Insee : population par âge", detect=detect, read=read,
    formats=("text", "xlsx"), tables=("population",),
    description="Population par territoire, année, sexe et tranche d'âge (format base Paa_POP… ou "
                "format long).",
))
