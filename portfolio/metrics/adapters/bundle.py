"""Files inside ZIP bundles, read without trusting what the archive says about itself.

Agencies publish a table as one file of a ZIP (SSI's daily bundles). A ZIP can claim
anything: a member of a few kilobytes may inflate to gigabytes (a zip bomb), its stated
size may lie, names may point outside any folder. A member is therefore read in chunks,
counting what really comes out, and refused when it passes the size limit or inflates more
than MAX_RATIO times; an archive with very many members is refused before any is read.
XLSX workbooks are ZIPs too and are left to the spreadsheet reader.
"""

from __future__ import annotations

import io
import zipfile
from typing import Protocol

from flask_babel import gettext as _

from portfolio.metrics.adapters.base import (
    SourceConfigError,
    SourceParseError,
    short_text,
    shown_name,
)
from portfolio.metrics.adapters.transport import MAX_BYTES

ZIP_MAGIC = b"PK\x03\x04"
# More members than a published bundle has; more than this is refused unread.
MAX_MEMBERS = 1000
# A table compresses well, but not more than this.
MAX_RATIO = 200
CHUNK = 64 * 1024


class Reporting(Protocol):
    def add(self, note: str) -> None: ...


def is_workbook(archive: zipfile.ZipFile) -> bool:
    """Tell an XLSX workbook (itself a ZIP) from a bundle of files."""
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def read_member(
    content: bytes, member: str | None, *, max_bytes: int = MAX_BYTES
) -> tuple[str, bytes]:
    """Return the name and bytes of one member of a ZIP archive, within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise SourceParseError(_("ZIP-filen kan ikke læses."), detail=repr(error)) from None
    if len(infos) > MAX_MEMBERS:
        raise SourceParseError(
            _("ZIP-filen har over %(count)s filer; den læses ikke.", count=MAX_MEMBERS)
        )
    files = [info for info in infos if not info.is_dir()]
    if member is None:
        if len(files) != 1:
            raise SourceConfigError(
                _(
                    "ZIP-filen har %(count)s filer; angiv zip_member med den, der skal læses.",
                    count=len(files),
                )
            )
        chosen = files[0]
    else:
        matches = [info for info in files if info.filename == member]
        if not matches:
            matches = [info for info in files if info.filename.rsplit("/", 1)[-1] == member]
        if len(matches) != 1:
            raise SourceConfigError(
                _("ZIP-filen har ingen fil ved navn %(name)s.", name=short_text(member))
            )
        chosen = matches[0]
    if chosen.flag_bits & 0x1:
        raise SourceParseError(_("Filen i ZIP-filen er krypteret og kan ikke læses."))
    limit = min(max_bytes, max(CHUNK, chosen.compress_size * MAX_RATIO))
    out = bytearray()
    try:
        with archive.open(chosen) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise SourceParseError(
                        _(
                            "Filen i ZIP-filen pakkes ud til mere end %(megabytes)s MB eller "
                            "fylder over %(ratio)s gange sin pakkede størrelse; den læses ikke.",
                            megabytes=max_bytes // (1024 * 1024),
                            ratio=MAX_RATIO,
                        )
                    )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        # A CRC mismatch, a broken stream, an unsupported compression method.
        raise SourceParseError(
            _("Filen i ZIP-filen kan ikke pakkes ud."), detail=repr(error)
        ) from None
    return chosen.filename, bytes(out)


def unzip_member(
    content: bytes, zip_member: str | None, file_format: str, report: Reporting
) -> bytes:
    """Return the bytes to read: the member of a ZIP bundle, or the content as it is."""
    if not content.startswith(ZIP_MAGIC) or file_format == "xlsx":
        if zip_member:
            raise SourceConfigError(_("zip_member er angivet, men filen er ingen ZIP-fil."))
        return content
    try:
        if is_workbook(zipfile.ZipFile(io.BytesIO(content))) and not zip_member:
            return content
    except (zipfile.BadZipFile, OSError, ValueError):
        return content  # the spreadsheet reader says what is wrong with it
    name, data = read_member(content, zip_member)
    report.add(_("Filen %(name)s i ZIP-filen er læst.", name=shown_name(name.rsplit("/", 1)[-1])))
    return data
