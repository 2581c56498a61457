"""Regenerate the corpus of bad (and awkward but acceptable) input files, deterministically.

    .venv/bin/python tests/corpus/make_corpus.py

Each file is one case of the Foundation issue's "Bad input" list; `tests/test_bad_inputs.py` says
what gtec must answer for each. The workbooks are written by hand (raw OOXML parts in a zip with a
fixed timestamp) so that every byte is under control: error cells, formulas without a cached value,
entity declarations, lying dimensions, bombs. The legacy `.xls` is a real BIFF8 workbook in a
compound file built here; the password-protected workbook is really encrypted (ECMA-376 agile
encryption, password `gtec`) with msoffcrypto-tool, its random salts drawn from a seeded generator
so the file is the same at each run. Without msoffcrypto-tool installed the committed encrypted
file is kept as it is.

The committed files stay small: the zip bomb inflates to 1 GiB from about 1 MB. Two cases go
beyond the issue's list because they crash python-calamine as surely as a declared dimension: one
valued cell far away (`far-cell.xlsx`), and cells without references that pile up
(`unreferenced-cells.xlsx`).
"""

from __future__ import annotations

import datetime
import io
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from gtec_cli.errors import col_letter as col_letters

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

# Identifiers of the fictional companies (valid SIRET Luhn keys), and valid codes.
SIRET_A = "73282932000074"
SIRET_B = "44306184100047"
SIRET_BAD = "73282932000075"  # last digit changed: the Luhn key no longer matches


# --- a minimal, byte-controlled xlsx writer ---------------------------------------------------------
class Err:
    """An Excel error cell (`t="e"`), e.g. #N/A."""

    def __init__(self, code: str):
        self.code = code


class Formula:
    """A formula cell; `cached=None` means no cached value was saved (never calculated)."""

    def __init__(self, text: str, cached: object = None):
        self.text, self.cached = text, cached


class Raw:
    """Literal cell XML, for what the other markers cannot say (shared strings)."""

    def __init__(self, xml: str):
        self.xml = xml


def cell_xml(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, Err):
        return f'<c r="{ref}" t="e"><v>{escape(value.code)}</v></c>'
    if isinstance(value, Formula):
        if value.cached is None:
            return f'<c r="{ref}"><f>{escape(value.text)}</f></c>'
        return f'<c r="{ref}"><f>{escape(value.text)}</f><v>{value.cached}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def sheet_xml(rows: list[list], *, merged: tuple[str, ...] = (), dimension: str | None = None) -> str:
    """The XML of a worksheet from rows of values (None = no cell)."""
    if dimension is None:
        width = max((len(r) for r in rows), default=1)
        dimension = f"A1:{col_letters(max(0, width - 1))}{max(1, len(rows))}"
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
           f'<dimension ref="{dimension}"/><sheetData>']
    for r, row in enumerate(rows):
        cells = "".join(cell_xml(f"{col_letters(c)}{r + 1}", v) for c, v in enumerate(row))
        if cells:
            out.append(f'<row r="{r + 1}">{cells}</row>')
    out.append("</sheetData>")
    if merged:
        out.append(f'<mergeCells count="{len(merged)}">'
                   + "".join(f'<mergeCell ref="{m}"/>' for m in merged) + "</mergeCells>")
    out.append("</worksheet>")
    return "".join(out)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def xlsx(sheets: list[tuple[str, str]], *, shared_strings: str | None = None) -> bytes:
    """A workbook from (sheet name, sheet XML) pairs, optionally with a sharedStrings part."""
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    for i in range(len(sheets)):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType='
                  '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    if shared_strings is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType='
                  '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    ct.append("</Types>")
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>']
    rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, (name, _xml) in enumerate(sheets):
        book.append(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>')
        rels.append(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>')
    if shared_strings is not None:
        rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    book.append("</sheets></workbook>")
    rels.append("</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_zip_info("[Content_Types].xml"), "".join(ct))
        zf.writestr(_zip_info("_rels/.rels"), root_rels)
        zf.writestr(_zip_info("xl/workbook.xml"), "".join(book))
        zf.writestr(_zip_info("xl/_rels/workbook.xml.rels"), "".join(rels))
        for i, (_name, xml) in enumerate(sheets):
            zf.writestr(_zip_info(f"xl/worksheets/sheet{i + 1}.xml"), xml)
        if shared_strings is not None:
            zf.writestr(_zip_info("xl/sharedStrings.xml"), shared_strings)
    return buf.getvalue()


# --- the audit workbook the bad cases are variations of ------------------------------------------
TITLE = ["Audit GTEC du Pays de Langres"]


def entreprise(rows: list[list] | None = None, header: list | None = None) -> list[list]:
    header = header or ["SIRET", "Raison sociale", "Code NAF", "Effectif total", "Commune (code Insee)",
                        "Type", "Membre du club (oui/non)"]
    rows = rows if rows is not None else [
        [SIRET_A, "Coutellerie du Bassigny", "25.71Z", 42, "52269", "PME", "oui"]]
    return [TITLE, [], header, *rows]


def effectifs(rows: list[list] | None = None, header: list | None = None) -> list[list]:
    header = header or ["Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat", "Effectif"]
    rows = rows if rows is not None else [
        ["H2913", "25-29 ans", "H", "CDI", 6],
        ["H2913", "55-59 ans", "H", "CDI", 4],
        ["H2903", "30-34 ans", "F", "CDD", 2],
    ]
    return [["Effectifs au 31 décembre"], header, *rows, [], ["Source : entretien avec la direction"]]


def recrutements(rows: list[list] | None = None) -> list[list]:
    header = ["Métier (ROME)", "Horizon", "Postes", "Contrat", "Cadre (oui/non)",
              "Jugé difficile (oui/non)", "Raisons (séparées par ;)"]
    rows = rows if rows is not None else [["H2913", "moins d'1 an", 2, "CDI", "non", "oui", "penurie;mobilite"]]
    return [header, *rows]


def diagnostic(rows: list[list] | None = None) -> list[list]:
    rows = rows if rows is not None else [
        ["transmission", 2, "Pas de tutorat formalisé"], ["recrutement", 1, "Peu de candidats"]]
    return [["Thème", "Note (1 = point faible, 4 = point fort)", "Commentaire"], *rows]


def audit(*, company=None, workforce=None, hires=None, assessments=None, drop: tuple[str, ...] = (),
          merged: dict[str, tuple[str, ...]] | None = None, dimension: dict[str, str] | None = None) -> bytes:
    sheets = {"Entreprise": company or entreprise(), "Effectifs": workforce or effectifs(),
              "Recrutements": hires or recrutements(), "Diagnostic": assessments or diagnostic()}
    return xlsx([(name, sheet_xml(rows, merged=(merged or {}).get(name, ()),
                                  dimension=(dimension or {}).get(name)))
                 for name, rows in sheets.items() if name not in drop])


def valid_opeq() -> bytes:
    """A small observatory workbook (the store's baseline drop in the tests)."""
    population = [["Population par âge, arrondissement de Langres"], [],
                  ["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
                  ["arr:522", 2021, "H", "0-14 ans", 5100], ["arr:522", 2021, "F", "0-14 ans", 4900],
                  ["arr:522", 2021, "H", "60 ans ou plus", 8200], ["arr:522", 2021, "F", "60 ans ou plus", 9700],
                  ["Total", 2021, "", "", 27900], [], ["Source : Insee, recensement 2021"]]
    offres = [["Territoire", "Période", "Métier", "Offres"],
              ["arr:522", "2026-T3", "H2913", 12], ["arr:522", "2026-T3", "J1501", "*"]]
    return xlsx([("Population", sheet_xml(population)), ("Offres d'emploi", sheet_xml(offres))])


# --- the bad cases ------------------------------------------------------------------------------
def csv_renamed() -> bytes:
    return ("SIRET;Raison sociale;Code NAF;Effectif total\n"
            f"{SIRET_A};Coutellerie du Bassigny;25.71Z;42\n").encode("utf-8")


def empty_workbook() -> bytes:
    return xlsx([("Feuil1", sheet_xml([], dimension="A1"))])


def no_data_rows() -> bytes:
    """An observatory workbook with its titles and headers, and not a single row of data."""
    population = [["Population par âge"], [], ["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
                  [], ["Source : Insee"]]
    offres = [["Territoire", "Période", "Métier", "Offres"]]
    return xlsx([("Population", sheet_xml(population)), ("Offres d'emploi", sheet_xml(offres))])


def truncated() -> bytes:
    data = audit()
    return data[: len(data) // 2]


def missing_sheet() -> bytes:
    return audit(drop=("Entreprise",))


def missing_column() -> bytes:
    header = ["Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat"]
    rows = [["H2913", "25-29 ans", "H", "CDI"], ["H2903", "30-34 ans", "F", "CDD"]]
    return audit(workforce=effectifs(rows, header))


def duplicate_headers() -> bytes:
    header = ["Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat", "Effectif", "Effectif"]
    rows = [["H2913", "25-29 ans", "H", "CDI", 6, 5]]
    return audit(workforce=effectifs(rows, header))


def excel_errors() -> bytes:
    rows = [["H2913", "25-29 ans", "H", "CDI", Err("#N/A")],
            ["H2903", "30-34 ans", "F", "CDD", Err("#REF!")]]
    return audit(workforce=effectifs(rows))


def formula_no_value() -> bytes:
    rows = [["H2913", "25-29 ans", "H", "CDI", Formula("SUM(E8:E9)")],
            ["H2903", "30-34 ans", "F", "CDD", 2]]
    return audit(workforce=effectifs(rows))


def negative_headcount() -> bytes:
    return audit(workforce=effectifs([["H2913", "25-29 ans", "H", "CDI", -3]]))


def non_numeric_headcount() -> bytes:
    return audit(workforce=effectifs([["H2913", "25-29 ans", "H", "CDI", "une dizaine"]]))


def unknown_age_band() -> bytes:
    return audit(workforce=effectifs([["H2913", "jeunes", "H", "CDI", 6]]))


def malformed_rome() -> bytes:
    return audit(workforce=effectifs([["H29X3", "25-29 ans", "H", "CDI", 6]]))


def invalid_siret() -> bytes:
    return audit(company=entreprise([[SIRET_BAD, "Coutellerie du Bassigny", "25.71Z", 42, "52269", "PME", "oui"]]))


def same_company_twice() -> bytes:
    rows = [[SIRET_A, "Coutellerie du Bassigny", "25.71Z", 42, "52269", "PME", "oui"],
            [SIRET_B, "Plasturgie de Langres", "22.29A", 85, "52269", "PME", "non"],
            [SIRET_A, "Coutellerie du Bassigny (2)", "25.71Z", 40, "52269", "PME", "oui"]]
    workforce = [["SIRET", "Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat", "Effectif"],
                 [SIRET_A, "H2913", "25-29 ans", "H", "CDI", 6],
                 [SIRET_B, "H2903", "30-34 ans", "F", "CDI", 3]]
    return xlsx([("Entreprise", sheet_xml(entreprise(rows))), ("Effectifs", sheet_xml(workforce))])


#: Personal data planted in the corpus: the tests assert none of it is ever echoed back.
PERSONAL_VALUES = ("Dupont", "Martine", "martine.dupont@example.org", "2 84 05 52 269 123 45",
                   "Lefebvre", "Jean-Paul", "jp.lefebvre@example.org", "1 71 12 52 121 034 88",
                   "c.roussel@example.fr", "p.garnier@example.fr", "s.morel@example.fr")


def personal_columns() -> bytes:
    header = ["Nom", "Prénom", "E-mail", "NIR", "Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat",
              "Effectif"]
    rows = [["Dupont", "Martine", "martine.dupont@example.org", "2 84 05 52 269 123 45", "H2913",
             "25-29 ans", "F", "CDI", 1],
            ["Lefebvre", "Jean-Paul", "jp.lefebvre@example.org", "1 71 12 52 121 034 88", "H2903",
             "50-54 ans", "H", "CDI", 1]]
    return audit(workforce=effectifs(rows, header))


def personal_values() -> bytes:
    header = ["Métier (ROME)", "Tranche d'âge", "Sexe", "Contrat", "Effectif", "Contact"]
    rows = [["H2913", "25-29 ans", "H", "CDI", 6, "c.roussel@example.fr"],
            ["H2913", "55-59 ans", "H", "CDI", 4, "p.garnier@example.fr"],
            ["H2903", "30-34 ans", "F", "CDD", 2, "s.morel@example.fr"]]
    return audit(workforce=effectifs(rows, header))


def entity_bomb() -> bytes:
    """Billion laughs in sharedStrings: ten levels of ten references, 10^9 'lol' if expanded."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<!DOCTYPE sst [{"".join(entities)}]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
           '<si><t>&lol9;</t></si><si><t>Raison sociale</t></si></sst>')
    rows = [[Raw('<c r="{ref}" t="s"><v>0</v></c>'), Raw('<c r="{ref}" t="s"><v>1</v></c>')]]
    return xlsx([("Entreprise", sheet_xml(rows))], shared_strings=sst)


def zip_bomb() -> bytes:
    """One cell holding 1 GiB of text: about 1 MB compressed, written by streaming."""
    marker = "@@BOMB@@"
    head, tail = sheet_xml([["SIRET", "Raison sociale"], [SIRET_A, marker]]).split(marker)
    base = xlsx([("Entreprise", sheet_xml([["SIRET"]]))])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(_zip_info(info.filename), src.read(info))
        with zf.open(_zip_info("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as fh:
            fh.write(head.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(1024):
                fh.write(chunk)
            fh.write(tail.encode())
    return buf.getvalue()


def huge_dimension() -> bytes:
    return audit(dimension={"Effectifs": "A1:XFD1048576"})


def far_cell() -> bytes:
    """An honest dimension, but one valued cell at XFD1048576: calamine would allocate the whole
    rectangle (17 billion cells) and abort the process."""
    xml = sheet_xml(effectifs()).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    return xlsx([("Entreprise", sheet_xml(entreprise())), ("Effectifs", xml)])


def unreferenced_cells() -> bytes:
    """Cells without a reference are placed one after the other: 20 000 of them in one row and
    one cell at row 999 999 make the same 20-billion-cell rectangle without any far reference."""
    xml = sheet_xml(effectifs()).replace(
        "</sheetData>", '<row r="20">' + "<c><v>1</v></c>" * 20_000 + '</row>'
        '<row r="999999"><c><v>1</v></c></row></sheetData>')
    return xlsx([("Entreprise", sheet_xml(entreprise())), ("Effectifs", xml)])


def huge_cell() -> bytes:
    """A 10 MB comment made of words, so it compresses like text (not like a bomb)."""
    rng = random.Random(10)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
             for _ in range(64)]
    parts, size = [], 0
    while size < 10 * 1024 * 1024:
        word = rng.choice(words)
        parts.append(word)
        size += len(word) + 1
    text = " ".join(parts)
    return audit(assessments=diagnostic([["transmission", 2, text], ["recrutement", 1, "Peu de candidats"]]))


def formula_like_text() -> bytes:
    """Text that looks like formulas: accepted and stored as typed, never evaluated."""
    rows = [["transmission", 2, "=HYPERLINK(\"http://example.org\";\"cliquez\")"],
            ["recrutement", 1, "+33 candidats attendus"],
            ["formation", 3, "-20 % d'heures de formation"],
            ["management", 2, "@SOMME(A1:A9)"]]
    hires = recrutements([["H2913", "moins d'1 an", Formula("1+1", cached=2), "CDI", "non", "oui", "penurie"]])
    return audit(assessments=diagnostic(rows), hires=hires)


# --- compound files: a legacy .xls and an encrypted workbook ----------------------------------------
ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(stream_name: str, data: bytes) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors) holding one stream of ≥ 4096 bytes."""
    data = data + b"\x00" * (-len(data) % 512)
    assert len(data) >= 4096, "streams under 4096 bytes would belong in the mini stream"
    n_data = len(data) // 512
    assert n_data + 2 <= 128, "one FAT sector only"
    fat = [FATSECT, ENDOFCHAIN] + [3 + i for i in range(n_data - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0,
        ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([FREESECT] * 108))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
                + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\x00" * 16 + struct.pack("<I", 0)
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, ENDOFCHAIN, 0) + entry(stream_name, 2, NOSTREAM, 2, len(data))
                 + entry("", 0, NOSTREAM, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + data


def _record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def biff8_workbook() -> bytes:
    """A Workbook stream in BIFF8 (Excel 97-2003): one sheet, 'Entreprise', two rows."""
    strings = ["SIRET", "Raison sociale", SIRET_A, "Coutellerie du Bassigny"]
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06))
    sheet_name = "Entreprise"
    codepage = _record(0x0042, struct.pack("<H", 1200))  # UTF-16, as Excel writes
    bound_len = 4 + 4 + 2 + 2 + len(sheet_name)
    globals_len = len(bof_globals) + len(codepage) + bound_len + 4 + len(sst) + 4
    boundsheet = _record(0x0085, struct.pack("<IBBBB", globals_len, 0, 0, len(sheet_name), 0)
                         + sheet_name.encode("latin-1"))
    globals_ = bof_globals + codepage + boundsheet + _record(0x00FC, sst) + _record(0x000A, b"")
    assert len(globals_) == globals_len
    cells = b"".join(_record(0x00FD, struct.pack("<HHHI", r, c, 0, 2 * r + c))
                     for r in range(2) for c in range(2))
    sheet = (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0x41, 0x06))
             + _record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 2, 0)) + cells + _record(0x000A, b""))
    stream = globals_ + sheet
    return stream + b"\x00" * max(0, 4096 - len(stream))


def legacy_xls() -> bytes:
    return compound_file("Workbook", biff8_workbook())


def password_protected() -> bytes | None:
    """The audit workbook encrypted with the password `gtec`, as Excel does (agile encryption)."""
    try:
        import msoffcrypto.method.container.ecma376_encrypted as container
        import msoffcrypto.method.ecma376_agile as agile
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    # Stored, not deflated: msoffcrypto mis-encrypts payloads under 4096 bytes (the mini stream).
    plain = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(audit())) as src, zipfile.ZipFile(plain, "w") as zf:
        for info in src.infolist():
            stored = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zf.writestr(stored, src.read(info))
    rng = random.Random(2026)

    class _FixedClock(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(*FIXED_TIME)

    saved = agile._random_buffer, container.datetime
    agile._random_buffer = lambda size: bytes(rng.getrandbits(8) for _ in range(size))
    container.datetime = _FixedClock
    try:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(plain.getvalue())).encrypt("gtec", out)
    finally:
        agile._random_buffer, container.datetime = saved
    return out.getvalue()


# --- the corpus -----------------------------------------------------------------------------------
CASES: dict[str, Callable[[], bytes | None]] = {
    "valid-opeq.xlsx": valid_opeq,
    "valid-audit.xlsx": audit,
    "csv-renamed.xlsx": csv_renamed,
    "legacy.xls": legacy_xls,
    "password-protected.xlsx": password_protected,
    "empty-workbook.xlsx": empty_workbook,
    "zero-bytes.xlsx": lambda: b"",
    "no-data-rows.xlsx": no_data_rows,
    "truncated.xlsx": truncated,
    "missing-sheet.xlsx": missing_sheet,
    "missing-column.xlsx": missing_column,
    "duplicate-headers.xlsx": duplicate_headers,
    "excel-errors.xlsx": excel_errors,
    "formula-no-value.xlsx": formula_no_value,
    "negative-headcount.xlsx": negative_headcount,
    "non-numeric-headcount.xlsx": non_numeric_headcount,
    "unknown-age-band.xlsx": unknown_age_band,
    "malformed-rome.xlsx": malformed_rome,
    "invalid-siret.xlsx": invalid_siret,
    "same-company-twice.xlsx": same_company_twice,
    "personal-columns.xlsx": personal_columns,
    "personal-values.xlsx": personal_values,
    "entity-bomb.xlsx": entity_bomb,
    "zip-bomb.xlsx": zip_bomb,
    "huge-dimension.xlsx": huge_dimension,
    "far-cell.xlsx": far_cell,
    "unreferenced-cells.xlsx": unreferenced_cells,
    "huge-cell.xlsx": huge_cell,
    "formula-like-text.xlsx": formula_like_text,
}


def main(folder: Path = HERE) -> None:
    """Write every case into `folder` (this script's folder by default)."""
    for name, make in CASES.items():
        data = make()
        if data is None:
            print(f"{name}: msoffcrypto-tool absent, the committed file is kept", file=sys.stderr)
            continue
        (folder / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
