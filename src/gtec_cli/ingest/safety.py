"""Look at a file before any parser does.

Measured on this machine (tech-notes.md): a zip bomb makes python-calamine abort the whole process
(a Rust allocation failure Python cannot catch) and openpyxl take gigabytes; a huge declared sheet
dimension makes calamine allocate gigabytes. So the archive is checked first: what the file really
is (whatever its extension), the declared uncompressed sizes, the compression ratios, entity
declarations in the XML parts and the sheets' declared dimensions; that costs about a millisecond.

Declared dimensions can lie. calamine places every cell at the reference it carries (or, without
one, after the previous cell) and allocates the whole rectangle from the first to the last cell: a
single cell written at `XFD1048576` aborts the process whatever the `<dimension>` says. So, before
calamine reads a sheet, :func:`scan_sheet` streams its XML once: a fast pass proves that every
cell is in the plain form Excel writes (`<c r="B12" …>`) and inside the declared dimension; any
other form sends the sheet to an exact pass that computes the rectangle as calamine would. The
same pass finds Excel error cells and formulas without a cached value, which calamine returns as
blanks. It costs about 0.8 s per 150 MB of sheet XML (200 000 rows × 15 columns).
"""

from __future__ import annotations

import bisect
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, UnreadableFile, cell_ref

#: Real 200 000-row workbooks declare 99–158 MB uncompressed; about four times that is refused.
MAX_TOTAL_UNCOMPRESSED = 600 * 1024 * 1024
#: Real workbook members compress about 9:1; XML of repeated cells can reach ~60:1.
MAX_RATIO = 200
#: Ratios are only meaningful on members of some size.
RATIO_FLOOR = 2 * 1024 * 1024
MAX_MEMBERS = 10_000
#: A sheet spanning more cells than this is refused before calamine allocates for it
#: (calamine allocates the whole rectangle, then Python one object per cell: 20 M empty cells
#: already take about 1 GB).
MAX_DECLARED_CELLS = 20_000_000
MAX_FILE_BYTES = 300 * 1024 * 1024
#: One row of sheet XML longer than this is not a spreadsheet row (a 10 MB cell still fits).
MAX_ROW_BYTES = 64 * 1024 * 1024
#: How much of each XML part is searched for entity declarations (they belong to the prolog).
PROLOG_BYTES = 64 * 1024
CHUNK = 4 * 1024 * 1024
#: Where a sheet's <dimension> is looked for: everything before <sheetData>, up to 4 MB.
HEAD_BYTES = 64 * 1024
MAX_HEAD_BYTES = 4 * 1024 * 1024

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENTITY_MARKS = tuple(m for text in ("<!DOCTYPE", "<!ENTITY")
                      for m in (text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")))


@dataclass(frozen=True)
class FileKind:
    """What a file is by its content: `xlsx`, `text` (CSV and the like)."""

    format: str
    encoding: str | None = None


def _fail(path: Path, code: str, message: str, fix: str, sheet: str | None = None) -> UnreadableFile:
    return UnreadableFile(Finding(code=code, message=message, fix=fix, file=path.name, sheet=sheet))


def sniff(path: Path) -> FileKind:
    """Tell what the file is from its first bytes; refuse what gtec cannot read, saying why."""
    if not path.exists():
        raise FileNotFoundError(path)
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, "empty-file", "Le fichier est vide (0 octet).",
                    "Renvoyez le fichier : il a probablement été mal enregistré ou mal transféré.")
    if size > MAX_FILE_BYTES:
        raise _fail(path, "file-too-large", f"Fichier de {size // 2**20} Mo, au-delà de la limite de "
                    f"{MAX_FILE_BYTES // 2**20} Mo.", "Découpez le fichier ou passez par un CSV.")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return FileKind("xlsx")
    if head.startswith(OLE_MAGIC):
        # An encrypted OOXML workbook is an OLE2 container holding an `EncryptedPackage` stream;
        # the directory entry names it in UTF-16.
        if _file_contains(path, "EncryptedPackage".encode("utf-16-le")):
            raise _fail(path, "password-protected",
                        "Le classeur est protégé par un mot de passe : gtec ne peut pas le lire.",
                        "Ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations > "
                        "Protéger le classeur) et enregistrez-le.")
        raise _fail(path, "legacy-xls", "Ancien format Excel 97-2003 (.xls) non pris en charge.",
                    "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx.")
    if head.startswith(b"\x00\x00\x00\x0c\x6a\x50") or head.startswith(b"%PDF"):
        raise _fail(path, "not-a-workbook", "Ce fichier n'est pas un classeur ni un CSV (PDF ou image).",
                    "Envoyez le classeur Excel (.xlsx) d'origine.")
    encoding = _text_encoding(head)
    if encoding:
        return FileKind("text", encoding)
    raise _fail(path, "not-a-workbook", "Format de fichier non reconnu : ni classeur .xlsx ni texte CSV.",
                "Envoyez un classeur Excel (.xlsx) ou un CSV.")


def _file_contains(path: Path, needle: bytes) -> bool:
    """Whether the file's bytes contain `needle`, read in 1 MB pieces."""
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _text_encoding(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a multi-byte character cut by the 4 kB window
            return "utf-8"
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return "cp1252" if printable / max(1, len(text)) > 0.95 else None


def _corrupt(path: Path) -> UnreadableFile:
    return _fail(path, "corrupt-file", "Archive .xlsx illisible : le fichier est tronqué ou corrompu.",
                 "Renvoyez le fichier complet (il a pu être coupé pendant le transfert).")


def check_xlsx(path: Path) -> None:
    """Refuse truncated archives, zip bombs and XML entity declarations, before any parser."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _corrupt(path) from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            hint = " (document OpenDocument .ods)" if "content.xml" in names else ""
            raise _fail(path, "not-a-workbook", f"Ce fichier zip n'est pas un classeur Excel{hint}.",
                        "Enregistrez-le au format Excel .xlsx.")
        if "xl/workbook.bin" in names:
            raise _fail(path, "xlsb", "Classeur binaire (.xlsb) non pris en charge.",
                        "Enregistrez-le au format .xlsx.")
        if len(infos) > MAX_MEMBERS:
            raise _fail(path, "zip-bomb", f"Archive anormale : {len(infos)} éléments.",
                        "Ce fichier n'est pas un classeur ordinaire ; ne l'ouvrez pas.")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _fail(path, "zip-bomb",
                        f"Le classeur se décompresse en {total // 2**20} Mo, bien au-delà d'un classeur "
                        f"réel (limite {MAX_TOTAL_UNCOMPRESSED // 2**20} Mo) : bombe de décompression "
                        "ou fichier démesuré.", "Vérifiez l'origine du fichier ; découpez-le s'il est légitime.")
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise _fail(path, "zip-bomb",
                            f"L'élément {info.filename} se décompresse {info.file_size // max(1, info.compress_size)} "
                            "fois sa taille : bombe de décompression.",
                            "Ce fichier n'est pas un classeur ordinaire ; ne l'ouvrez pas.")
        # Sheets' dimensions are checked by scan_sheet when a sheet is read: an inflated used
        # range on a sheet gtec ignores (a list of choices, a chart) must not refuse the file.
        try:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _check_prolog(path, zf, info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise _corrupt(path) from None


def _check_prolog(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Office never writes a DTD: one in a part is an entity bomb or an external-entity probe."""
    with zf.open(info) as fh:
        head = fh.read(PROLOG_BYTES)
    if any(mark in head for mark in _ENTITY_MARKS):
        raise _fail(path, "xml-entities",
                    f"L'élément {info.filename} déclare des entités XML (DOCTYPE), ce qu'Excel ne fait "
                    "jamais : bombe XML ou tentative de lecture de fichiers.",
                    "Ce fichier n'est pas un classeur ordinaire ; ne l'ouvrez pas et vérifiez sa provenance.")


def _declared(head: bytes) -> tuple[str, int, str, int] | None:
    match = _DIMENSION.search(head)
    if not match or match[3] is None:
        return None
    return match[1].decode(), int(match[2]), match[3].decode(), int(match[4])


def _check_dimension(path: Path, head: bytes, member: str, sheet: str | None = None) -> None:
    dim = _declared(head)
    if dim is None:
        return
    c0, r0, c1, r1 = dim
    rows = r1 - r0 + 1
    cols = col_number(c1) - col_number(c0) + 1
    if rows * cols > MAX_DECLARED_CELLS:
        where = f"La feuille « {sheet} »" if sheet else f"La feuille {member}"
        raise _fail(path, "huge-dimension",
                    f"{where} déclare {_fmt(rows)} lignes × {_fmt(cols)} colonnes, "
                    "bien au-delà d'un tableau réel.",
                    "Supprimez les lignes et colonnes vides en fin de feuille (Ctrl+Fin dans Excel), "
                    "puis enregistrez.", sheet=sheet)


def _fmt(n: int) -> str:
    """12 345 678: French grouping for messages."""
    return f"{n:,}".replace(",", " ")


def col_number(letters: str) -> int:
    """1-based column number of column letters (A -> 1, AA -> 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


# --- the sheet scan -------------------------------------------------------------------------------
@dataclass
class SheetScan:
    """What the scan of one sheet's XML found: cells whose value cannot be trusted, the extent."""

    #: (row, col), 0-based -> the Excel error (`#N/A`) or `formula-no-value`.
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Bad cells the scan could not place (cells without a reference, in odd files).
    unplaced: list[str] = field(default_factory=list)
    exact: bool = False


def _le_number(n: int) -> str:
    """A regex matching the decimal numbers 1..n written without leading zeros.

    Same-length alternatives come first and the shorter ones are possessive: the regex runs once
    per cell of the sheet, and backtracking over digits made it five times slower.
    """
    s = str(n)
    k = len(s)
    if set(s) == {"9"}:
        return r"[1-9]\d{0,%d}+" % (k - 1)
    alts = []
    for i, ch in enumerate(s):
        lo, last = (1 if i == 0 else 0), i == k - 1
        top = int(ch) if last else int(ch) - 1
        if top >= lo:
            digit = str(lo) if top == lo else f"[{lo}-{top}]"
            alts.append(s[:i] + digit + ("" if last else r"\d{%d}" % (k - i - 1)))
    if k > 1:
        alts.append(r"[1-9]\d{0,%d}+" % (k - 2))
    return "(?:" + "|".join(alts) + ")"


def _le_letters(s: str) -> str:
    """A regex matching the column letters A..s."""
    k = len(s)
    alts = []
    for i, ch in enumerate(s):
        last = i == k - 1
        top = ch if last else chr(ord(ch) - 1)
        if top >= "A":
            letter = "A" if top == "A" else f"[A-{top}]"
            alts.append(s[:i] + letter + ("" if last else "[A-Z]{%d}" % (k - i - 1)))
    if k > 1:
        alts.append("[A-Z]{1,%d}" % (k - 1))
    return "(?:" + "|".join(alts) + ")"


def _odd_cell_pattern(max_col: str, max_row: int) -> re.Pattern:
    """Cells not in Excel's plain form `<c r="B12"…` within (A1, max_col max_row)."""
    plain = f'r="{_le_letters(max_col)}{_le_number(max_row)}"[ />]'
    return re.compile(rb"<c(?:[>/\t\r\n]| (?!" + plain.encode() + rb"))")


_DEFAULT_ODD = _odd_cell_pattern("Z", 999_999)  # no dimension: 26 × 999 999 cells at most
#: Cells with a namespace prefix (`<x:c>`, as the OpenXML SDK writes) take the exact path.
_PREFIXED = re.compile(rb":c[\s>/]")
_CELL_START = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_ERROR_ATTR = re.compile(rb't="e"')
_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_TOKEN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]*)(\d*)["\']')


def _chunks(fh, path: Path, sheet: str):
    """The member's bytes in pieces that end after a `row>` (so no cell is cut in two)."""
    carry = b""
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            if carry:
                yield carry
            return
        data = carry + chunk
        cut = data.rfind(b"row>")
        if cut < 0:
            if len(data) > MAX_ROW_BYTES:
                raise _fail(path, "huge-row", f"La feuille « {sheet} » contient une ligne de plus de "
                            f"{MAX_ROW_BYTES // 2**20} Mo : ce n'est pas un tableau ordinaire.",
                            "Vérifiez l'origine du fichier.", sheet=sheet)
            carry = data
            continue
        cut += 4
        carry = data[cut:]
        yield data[:cut]


def scan_sheet(path: Path, zf: zipfile.ZipFile, member: str, sheet: str) -> SheetScan:
    """Check one sheet's XML before calamine reads it; raise :class:`UnreadableFile` if unsafe."""
    try:
        with zf.open(member) as fh:
            head = fh.read(HEAD_BYTES)
            # the dimension comes before <sheetData>, possibly after a long <cols> list
            while b"sheetData" not in head and len(head) < MAX_HEAD_BYTES:
                more = fh.read(HEAD_BYTES)
                if not more:
                    break
                head += more
        end = head.find(b"sheetData")
        prolog = head if end < 0 else head[:end]
        _check_dimension(path, prolog, member, sheet)
        dim = _declared(prolog)
        if dim is not None and dim[0] == "A" and dim[1] == 1:
            odd = _odd_cell_pattern(dim[2], max(1, dim[3]))
        else:
            odd = _DEFAULT_ODD
        scan = SheetScan()
        with zf.open(member) as fh:
            for data in _chunks(fh, path, sheet):
                if odd.search(data) or _PREFIXED.search(data):
                    break
                _bad_cells_plain(data, scan)
            else:
                return scan
        with zf.open(member) as fh:
            return _exact_scan(path, _chunks(fh, path, sheet), sheet)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise _corrupt(path) from None


def _bad_cells_plain(data: bytes, scan: SheetScan) -> None:
    """Error cells and formulas without a cached value, in a chunk where every cell is plain."""
    for needle in (_ERROR_ATTR, _FORMULA_TAG):  # regexes: twice as fast as bytes.find here
        hit = needle.search(data)
        while hit:
            pos = hit.start()
            start = data.rfind(b"<c ", 0, pos)
            end = data.find(b"</c>", pos)
            stop = data.find(b">", start) if start >= 0 else -1
            if start >= 0 and stop >= 0:
                tag = data[start:stop + 1]
                cell = data[start: end if end >= 0 else stop + 1]
                _judge_cell(tag, cell, _CELL_START.match(tag), scan)
            hit = needle.search(data, max(pos + 1, end))


def _judge_cell(tag: bytes, cell: bytes, ref, scan: SheetScan, pos: tuple[int, int] | None = None) -> None:
    value = _VALUE.search(cell)
    text = value[1].decode("utf-8", "replace").strip() if value else ""
    if b't="e"' in tag or b"t='e'" in tag:
        why = text or "#ERREUR"
    elif _FORMULA.search(cell) and not text:
        why = "formula-no-value"
    else:
        return
    if ref is not None:
        pos = (int(ref[2]) - 1, col_number(ref[1].decode().upper()) - 1)
    if pos is None:
        scan.unplaced.append(why)
    else:
        scan.bad_cells[pos] = why


def _hits(data: bytes) -> list[int]:
    """Positions of formula tags and error-type attributes in a chunk (usually none)."""
    out = []
    for needle in (b"<f", b":f", b't="e"', b"t='e'"):
        pos = data.find(needle)
        while pos >= 0:
            out.append(pos)
            pos = data.find(needle, pos + 1)
    return sorted(out)


def _exact_scan(path: Path, chunks, sheet: str) -> SheetScan:
    """Follow cells as calamine does (references, or running positions without them)."""
    scan = SheetScan(exact=True)
    row, col, placed = -1, -1, 0
    lo_r = lo_c = None
    hi_r = hi_c = -1
    for data in chunks:
        hits = _hits(data)
        starts: list[int] = []
        cells: list[tuple[int, int, bytes]] = []
        for match in _TOKEN.finditer(data):
            name, attrs = match[1], match[2]
            ref = _R_ATTR.search(attrs)
            if name == b"row":
                row = int(ref[2]) - 1 if ref and ref[2] else row + 1
                col = -1
                continue
            if ref and ref[1] and ref[2]:
                r, col = int(ref[2]) - 1, col_number(ref[1].decode().upper()) - 1
            else:
                r, col = row, col + 1
            if hits:
                starts.append(match.start())
                cells.append((r, col, match[0]))
            if attrs.endswith(b"/"):
                continue  # no value: calamine does not place it
            placed += 1
            if placed > MAX_DECLARED_CELLS:
                raise _fail(path, "huge-dimension", f"La feuille « {sheet} » a plus de "
                            f"{_fmt(MAX_DECLARED_CELLS)} cellules, bien au-delà d'un tableau réel.",
                            "Découpez le tableau ou passez par un CSV.", sheet=sheet)
            lo_r = r if lo_r is None else min(lo_r, r)
            lo_c = col if lo_c is None else min(lo_c, col)
            hi_r, hi_c = max(hi_r, r), max(hi_c, col)
        seen = set()
        for pos in hits:
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0 or i in seen:
                continue
            seen.add(i)
            r, c, tag = cells[i]
            end = data.find(b"c>", starts[i] + len(tag))
            _judge_cell(tag, data[starts[i]: end if end >= 0 else len(data)], None, scan, (r, c))
    if lo_r is not None and (lo_r < 0 or lo_c < 0):
        raise _fail(path, "corrupt-sheet", f"La feuille « {sheet} » contient une référence de cellule "
                    "invalide (ligne ou colonne 0).",
                    "Ouvrez le classeur dans Excel et enregistrez-le à nouveau.", sheet=sheet)
    if lo_r is not None:
        cells_n = (hi_r - lo_r + 1) * (hi_c - lo_c + 1)
        if cells_n > MAX_DECLARED_CELLS:
            last = cell_ref(hi_r, hi_c)
            raise _fail(path, "huge-dimension",
                        f"La feuille « {sheet} » a des cellules jusqu'en {last} : "
                        f"{_fmt(cells_n)} cellules à réserver, bien au-delà d'un tableau réel.",
                        "Supprimez les cellules éloignées du tableau (Ctrl+Fin dans Excel montre la "
                        "dernière), puis enregistrez.", sheet=sheet)
    return scan
