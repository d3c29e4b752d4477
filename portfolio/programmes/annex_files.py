"""What an annex's uploaded file may be, checked by its bytes, and how its name is shown.

A file is taken only when its extension is on the allow-list *and* its content is what the
extension says: a PDF starts with ``%PDF-``, a PNG and a JPEG with their signatures, an
Office Open XML file (DOCX, XLSX, PPTX) is a ZIP whose ``[Content_Types].xml`` names the main
part of that kind of document (a macro-enabled one names another, and is refused), an
OpenDocument file (ODT, ODS) is a ZIP whose first entry ``mimetype`` holds its type, and a
text or CSV file is UTF-8 (or Windows-1252) text without control characters and without
markup a browser would run. Everything else (HTML, SVG, programs, archives, a PDF named
.docx) is refused with a message that names what was wrong, never what the file held.

The ZIPs are read without unpacking them: only their table of contents and one small entry
are looked at, so a "zip bomb" costs nothing.

The user's file name is hostile: it is shown (and offered on download) only as
`display_name` leaves it, and never used as a path; the bytes are stored in the database.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from flask_babel import gettext as _

from portfolio.core.errors import RuleViolation

# extension -> (kind, content type served)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "txt": ("text", "text/plain; charset=utf-8"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}

ALLOWED_NAMES = "PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG, TXT, CSV"

# The main part each Office Open XML kind must name in [Content_Types].xml, and where it is.
_OOXML_MAIN = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "ppt/",
    ),
}
_ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# What a browser would run or draw as a page if it ever sniffed a text file as markup.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I)
_CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few kB

MAX_NAME_LENGTH = 120
# Letters without an ASCII decomposition, written as Danish writes them without them.
_DANISH_LETTERS = str.maketrans({"Æ": "Ae", "æ": "ae", "Ø": "Oe", "ø": "oe", "Å": "Aa", "å": "aa"})


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks, as it is stored."""

    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def _refuse(message: str) -> RuleViolation:
    return RuleViolation(message, errors={"file": [message]})


def extension_of(name: str) -> str:
    base = re.split(r"[/\\]", name)[-1]
    return base.rsplit(".", 1)[-1].lower().strip() if "." in base else ""


def check_file(filename: str, content: bytes, max_bytes: int) -> CheckedFile:
    """Return the file as it will be stored, or raise RuleViolation (on the field "file")."""
    if len(content) > max_bytes:
        raise _refuse(too_large_message(max_bytes))
    if not content:
        raise _refuse(_("Filen er tom. Vælg en anden fil."))
    extension = extension_of(filename)
    if extension not in ALLOWED:
        raise _refuse(
            _(
                "Filtypen tages ikke imod. Tilladt er: %(types)s.",
                types=ALLOWED_NAMES,
            )
        )
    kind, content_type = ALLOWED[extension]
    if not _content_is(kind, content):
        raise _refuse(
            _(
                "Filens indhold passer ikke til endelsen .%(extension)s. Gem filen i det "
                "rigtige format, eller giv den den rigtige endelse.",
                extension=extension,
            )
        )
    return CheckedFile(
        name=display_name(filename, extension),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def too_large_message(max_bytes: int) -> str:
    return _(
        "Filen er for stor. Et bilag må højst fylde %(limit)s MB; del det op, eller gem "
        "det mindre (fx en PDF med lavere billedopløsning).",
        limit=max_bytes // (1024 * 1024),
    )


def _content_is(kind: str, content: bytes) -> bool:
    if kind == "pdf":
        return content.startswith(b"%PDF-")
    if kind == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return content.startswith(b"\xff\xd8\xff")
    if kind in _OOXML_MAIN:
        return _is_ooxml(kind, content)
    if kind in _ODF_TYPES:
        return _is_odf(kind, content)
    return _is_text(content)


def _zip(content: bytes) -> zipfile.ZipFile | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _is_ooxml(kind: str, content: bytes) -> bool:
    archive = _zip(content)
    if archive is None:
        return False
    with archive:
        names = set(archive.namelist())
        main_type, folder = _OOXML_MAIN[kind]
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return False  # macros: a .docm renamed .docx
        if not any(name.startswith(folder) for name in names):
            return False
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError:
            return False
        if info.file_size > _CONTENT_TYPES_LIMIT:
            return False
        try:
            with archive.open(info) as part:
                types = part.read(_CONTENT_TYPES_LIMIT + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError, EOFError):
            return False
        return f'ContentType="{main_type}"'.encode() in types


def _is_odf(kind: str, content: bytes) -> bool:
    archive = _zip(content)
    if archive is None:
        return False
    with archive:
        infos = archive.infolist()
        # The format puts "mimetype" first and uncompressed, so its type stands at byte 38.
        if not infos or infos[0].filename != "mimetype":
            return False
        if infos[0].compress_type != zipfile.ZIP_STORED or infos[0].file_size > 100:
            return False
        if "content.xml" not in archive.namelist():
            return False
        try:
            with archive.open(infos[0]) as part:
                declared = part.read(101)
        except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError, EOFError):
            return False
        return declared == _ODF_TYPES[kind]


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")  # Danish Excel writes its CSV so
        except UnicodeDecodeError:
            return False
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\f" for c in text):
        return False  # NUL and other control bytes: a binary file named .txt
    return _MARKUP.search(content[:65536]) is None


def display_name(filename: str, extension: str | None = None) -> str:
    """The user's file name as it may be shown: its last part only, without control or
    direction characters, at most MAX_NAME_LENGTH characters, keeping its extension."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = unicodedata.normalize("NFC", base)
    # Cc: control characters; Cf: invisible ones (right-to-left overrides that show
    # "fdp.exe" as "exe.pdf"); Cs/Co/Cn: surrogates, private and unassigned code points.
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip()
    extension = extension if extension is not None else extension_of(base)
    if extension and base.lower().endswith("." + extension):
        stem, suffix = base[: -(len(extension) + 1)], base[-(len(extension) + 1) :]
    else:
        stem, suffix = base, f".{extension}" if extension else ""
    stem = stem.strip(" .") or _("bilag")
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987's filename*."""
    danish = name.translate(_DANISH_LETTERS)
    fallback = unicodedata.normalize("NFKD", danish).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", fallback).strip(" .") or "bilag"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
