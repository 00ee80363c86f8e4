"""The demo PKI: a CA and one document-signing certificate per agency (RSA-2048, proper extensions), idempotent,
created by ``manage.py make_demo_pki`` and by seed_demo's "pki" step."""

from __future__ import annotations

import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command

from dossiers import pki
from portal import seed
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(db):
    province = AgencyFactory(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind="province", parent=None)
    centre = AgencyFactory(
        code="000.00.01.H41", name="Trung tâm Phục vụ hành chính công tỉnh Long An", kind="centre", parent=province
    )
    closed = AgencyFactory(code="010.00.00.H41", name="Ủy ban nhân dân huyện Cần Giuộc", parent=province)
    closed.is_active = False
    closed.save()
    return {"province": province, "centre": centre, "closed": closed}


def load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_make_demo_pki_creates_a_ca_and_a_certificate_per_active_agency(agencies, tmp_path, capsys):
    call_command("make_demo_pki", "--dir", str(tmp_path))
    assert "3 tạo mới" in capsys.readouterr().out  # the CA and two active agencies
    ca = load(tmp_path / "ca.pem")
    centre = load(tmp_path / "000.00.01.H41.pem")
    assert not (tmp_path / "010.00.00.H41.pem").exists()  # inactive agencies get none

    # The CA: self-signed, CA basic constraints, may sign certificates.
    assert ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    ca_usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ca_usage.key_cert_sign and ca_usage.crl_sign

    # The agency's certificate: issued by the CA, for signing documents only, RSA-2048, named after the agency.
    centre.verify_directly_issued_by(ca)
    assert centre.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = centre.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    ski = centre.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = centre.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert ski.digest
    assert isinstance(centre.public_key(), rsa.RSAPublicKey) and centre.public_key().key_size == 2048
    names = {a.oid: a.value for a in centre.subject}
    assert names[x509.NameOID.COMMON_NAME] == "Trung tâm Phục vụ hành chính công tỉnh Long An"
    assert names[x509.NameOID.ORGANIZATION_NAME] == "Ủy ban nhân dân tỉnh Long An"
    assert names[x509.NameOID.USER_ID] == "000.00.01.H41"
    # Private keys are readable by their owner only.
    assert stat.S_IMODE((tmp_path / "000.00.01.H41.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ca.key").stat().st_mode) == 0o600


def test_running_it_again_changes_nothing(agencies, tmp_path):
    first = pki.ensure_demo_pki(directory=tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    second = pki.ensure_demo_pki(directory=tmp_path)
    assert len(first.created) == 3 and second.created == []
    assert sorted(second.kept) == sorted(["ca.pem", "000.00.00.H41", "000.00.01.H41"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_certificate_not_issued_by_the_current_ca_is_replaced(agencies, tmp_path):
    pki.ensure_demo_pki(directory=tmp_path)
    stale = (tmp_path / "000.00.01.H41.pem").read_bytes()
    for name in ("ca.pem", "ca.key"):  # a new CA, e.g. after the old one was lost
        (tmp_path / name).unlink()
    report = pki.ensure_demo_pki(directory=tmp_path)
    assert "000.00.01.H41" in report.created
    assert (tmp_path / "000.00.01.H41.pem").read_bytes() != stale
    load(tmp_path / "000.00.01.H41.pem").verify_directly_issued_by(load(tmp_path / "ca.pem"))


def test_only_the_named_agencies(agencies, tmp_path, capsys):
    call_command("make_demo_pki", "--dir", str(tmp_path), "000.00.01.H41")
    assert (tmp_path / "000.00.01.H41.pem").exists() and not (tmp_path / "000.00.00.H41.pem").exists()
    with pytest.raises(Exception, match=r"999\.99\.99\.H41"):
        call_command("make_demo_pki", "--dir", str(tmp_path), "999.99.99.H41")


def test_seed_demo_runs_it_after_agencies_and_catalogue(agencies, settings, tmp_path):
    step = next(s for s in seed.steps() if s.name == "pki")
    assert step.order == 30
    settings.SIGNING_DIR = str(tmp_path)
    lines: list[str] = []
    step.run(lines.append)
    assert (tmp_path / "000.00.01.H41.pem").exists()
    assert "3 chứng thư mới" in lines[0]


def test_a_renamed_agency_gets_a_certificate_in_its_new_name(agencies, tmp_path):
    pki.ensure_demo_pki(directory=tmp_path)
    centre = agencies["centre"]
    centre.name = "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh"  # the 2025 merger of Long An and Tây Ninh
    centre.save()
    report = pki.ensure_demo_pki(directory=tmp_path)
    assert report.created == ["000.00.01.H41"]
    names = {a.oid: a.value for a in load(tmp_path / "000.00.01.H41.pem").subject}
    assert names[x509.NameOID.COMMON_NAME] == "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh"
