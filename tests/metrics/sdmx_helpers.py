"""Shared by the SDMX tests: where the SDMX fixtures are, and letting the adapters read them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.metrics.conftest import SAMPLES

SDMX = Path(__file__).resolve().parent.parent / "fixtures" / "sdmx"


@pytest.fixture
def sdmx_files(monkeypatch, tmp_path, source_access):
    """Let the adapters read the SDMX fixtures too (besides the samples and tmp_path)."""
    monkeypatch.setenv(
        "METRICS_FILE_ROOTS", os.pathsep.join([str(SAMPLES), str(SDMX), str(tmp_path)])
    )
    return SDMX
