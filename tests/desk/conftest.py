"""The desk's tests run on the small province of the workflow tests (a provincial desk, the Department of Justice with
its division, another department), plus a test PKI so that leaders can sign, and clients signed in as each officer."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from dossiers import pki
from tests.workflow.conftest import PDF, World, at, vn, world

__all__ = ["PDF", "World", "at", "vn", "world"]


@pytest.fixture(autouse=True)
def _desk_settings(settings, tmp_path):
    cache.clear()
    settings.NOTIFICATIONS_RECORD_DIR = str(tmp_path / "deliveries")
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    settings.PORTAL_BASE_URL = "https://dichvucong.longan.gov.vn"
    yield
    cache.clear()


@pytest.fixture(scope="session")
def desk_pki_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("desk-pki")
    pki.ensure_ca(directory)
    return directory


@pytest.fixture
def certificates(settings, desk_pki_dir, world):
    """Every agency of the small province has a certificate of the test CA; verification trusts that CA."""
    settings.SIGNING_DIR = str(desk_pki_dir)
    settings.SIGNING_TRUST_ROOTS = []
    for agency in (world.province, world.department, world.division, world.desk, world.other):
        pki.ensure_agency_certificate(agency, directory=desk_pki_dir)
    return desk_pki_dir


@pytest.fixture
def client_of():
    """``client_of(user)``: a test client signed in as ``user`` (None: anonymous)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
