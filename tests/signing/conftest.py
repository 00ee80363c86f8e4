"""A test PKI made with the portal's own pki module: our CA, and a foreign CA nobody configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossiers import pki
from dossiers.documents import render
from tests.documents.conftest import (  # noqa: F401 - the received dossier of the demo province, shared
    applicant,
    officers,
    portal_url,
    procedure_version,
    province,
    received,
)
from tests.factories import AgencyFactory


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    pki.ensure_ca(directory)
    return directory


@pytest.fixture(scope="session")
def foreign_pki_dir(tmp_path_factory) -> Path:
    """Another CA with the same agency codes: certificates that look right but that our trust roots do not know."""
    directory = tmp_path_factory.mktemp("foreign-pki")
    pki.ensure_ca(directory)
    return directory


@pytest.fixture
def signing_settings(settings, pki_dir):
    settings.SIGNING_DIR = str(pki_dir)
    settings.SIGNING_TRUST_ROOTS = []
    settings.PORTAL_PROVINCE = "Long An"
    return settings


@pytest.fixture
def justice(db, signing_settings, pki_dir):
    tinh = AgencyFactory(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind="province", parent=None)
    agency = AgencyFactory(code="000.00.04.H41", name="Sở Tư pháp tỉnh Long An", kind="department", parent=tinh)
    pki.ensure_agency_certificate(agency, directory=pki_dir)
    return agency


@pytest.fixture(scope="session")
def result_pdf() -> bytes:
    """A one-page decision, rendered like every paper of the portal."""
    html = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page { size: A4; margin: 20mm; } body { font-family: "Times New Roman", "Liberation Serif", serif; }
    </style></head><body>
      <p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></p>
      <h1 style="text-align:center">PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1</h1>
      <p>Họ và tên: Nguyễn Văn An. Án tích: Không có án tích.</p>
    </body></html>"""
    return render.html_to_pdf(html)
