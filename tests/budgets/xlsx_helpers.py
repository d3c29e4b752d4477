"""Helpers for the Excel tests: edit exported files, run LibreOffice, read tables back."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LIBREOFFICE_TIMEOUT = 120

# Recalculate every formula when LibreOffice loads an .xlsx (the default may keep the cached
# values, and openpyxl writes none), set in the private profile each run uses.
_RECALC_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def require_libreoffice() -> str:
    """Return the soffice command, or skip the test with the reason."""
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: the recalculation and file-validity "
            "checks need it (apt-get install libreoffice-calc)"
        )
    return SOFFICE


def libreoffice_convert(files: list[Path], outdir: Path, target: str = "xlsx") -> list[Path]:
    """Open the files in headless LibreOffice Calc and save them as `target` in outdir."""
    soffice = require_libreoffice()
    profile = outdir / "profile"
    settings = profile / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(_RECALC_SETTINGS, encoding="utf-8")
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--calc",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=LIBREOFFICE_TIMEOUT, check=False
    )
    results = [outdir / f"{f.stem}.{target.split(':')[0]}" for f in files]
    missing = [r.name for r in results if not r.exists()]
    assert done.returncode == 0 and not missing, (
        f"LibreOffice failed (exit {done.returncode}, missing {missing}):\n"
        f"{done.stdout}\n{done.stderr}"
    )
    return results


def edit(content: bytes, change) -> bytes:
    """Open an .xlsx with openpyxl, let `change(wb)` edit it, and return the saved bytes."""
    wb = load_workbook(io.BytesIO(content))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_path(content: bytes, sheet: str) -> str:
    """Return the zip path of a sheet's XML (openpyxl keeps sheets in order, sheetN.xml)."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        index = wb.sheetnames.index(sheet) + 1
    finally:
        wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def patch_part(content: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """Replace bytes inside one part of the zip (to make files openpyxl would not write)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                assert old in data, f"{old!r} not in {part}"
                data = data.replace(old, new)
            target.writestr(info, data)
    return out.getvalue()


def find_header_row(ws, label: str = "Række", first_row: int = 1) -> int:
    """Return the first row at or below first_row whose column B reads `label`."""
    for row in range(first_row, ws.max_row + 1):
        if ws.cell(row, 2).value == label:
            return row
    raise AssertionError(f"no header row with {label!r} in {ws.title}")


def header_columns(ws, row: int) -> dict[str, int]:
    """Return header text → column for a header row."""
    return {
        str(ws.cell(row, c).value): c
        for c in range(1, ws.max_column + 1)
        if ws.cell(row, c).value is not None
    }
