"""Look at a file before any parser does.

Measured on this machine (tech-notes.md): a zip bomb makes python-calamine abort the whole process
(a Rust allocation failure Python cannot catch) and openpyxl take gigabytes; a huge declared sheet
dimension makes calamine allocate gigabytes. So the archive is checked first: what the file really
is (whatever its extension), the declared uncompressed sizes, the compression ratios and the sheets'
declared dimensions. It costs about a millisecond.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Finding, UnreadableFile

#: Real 200 000-row workbooks declare 99–148 MB uncompressed; four times that is refused.
MAX_TOTAL_UNCOMPRESSED = 600 * 1024 * 1024
#: Real workbook members compress about 9:1; XML of repeated cells can reach ~60:1.
MAX_RATIO = 200
#: Ratios are only meaningful on members of some size.
RATIO_FLOOR = 2 * 1024 * 1024
MAX_MEMBERS = 10_000
#: A sheet declaring more cells than this is refused before calamine allocates for it.
MAX_DECLARED_CELLS = 30_000_000
MAX_FILE_BYTES = 300 * 1024 * 1024

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    """What a file is by its content: `xlsx`, `text` (CSV and the like)."""

    format: str
    encoding: str | None = None


def _fail(path: Path, code: str, message: str, fix: str) -> UnreadableFile:
    return UnreadableFile(Finding(code=code, message=message, fix=fix, file=path.name))


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
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
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


def check_xlsx(path: Path) -> None:
    """Refuse truncated archives, zip bombs and sheets declaring absurd dimensions."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _fail(path, "corrupt-file", "Archive .xlsx illisible : le fichier est tronqué ou corrompu.",
                    "Renvoyez le fichier complet (il a pu être coupé pendant le transfert).") from None
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
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_dimension(path, zf, info)


def _check_dimension(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with zf.open(info) as fh:
        head = fh.read(8192)
    match = _DIMENSION.search(head)
    if not match:
        return
    c0, r0, c1, r1 = match.groups()
    if c1 is None:
        return
    rows = int(r1) - int(r0) + 1
    cols = _col_number(c1.decode()) - _col_number(c0.decode()) + 1
    if rows * cols > MAX_DECLARED_CELLS:
        raise _fail(path, "huge-dimension",
                    f"La feuille {info.filename} déclare {rows:,} lignes × {cols:,} colonnes, "
                    "bien au-delà d'un tableau réel.".replace(",", " "),
                    "Supprimez les lignes et colonnes vides en fin de feuille (Ctrl+Fin dans Excel), "
                    "puis enregistrez.")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def stream_contains(zf: zipfile.ZipFile, member: str, needles: tuple[bytes, ...]) -> set[bytes]:
    """Which needles occur in a member, reading it decompressed in chunks (no full copy in memory)."""
    found: set[bytes] = set()
    keep = max(len(n) for n in needles) - 1
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            window = tail + chunk
            for needle in needles:
                if needle not in found and needle in window:
                    found.add(needle)
            if len(found) == len(needles):
                break
            tail = window[-keep:]
    return found


