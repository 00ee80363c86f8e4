"""Public lookup by dossier code (Long An 30/2019 art 15; DESIGN §8): exactly the fields of art 15.2 by code, the
timeline only with the QR secret, unknown codes and wrong secrets indistinguishable, and a rate limit per client."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from dossiers.models import DossierEvent, IssuedDocument
from dossiers.selectors.lookup import mask_name
from tests.reporting.builders import at, make

CODE = "000.00.01.H41-260302-0007"
SECRET = "bi-mat-qr-302-0007"  # what the builder stores for this code


@pytest.fixture(autouse=True)
def _fresh_limits(settings, db):
    cache.clear()  # the rate-limit counters live in the shared cache
    settings.LOOKUP_RATE_LIMIT = "1000/m"


@pytest.fixture
def dossier(province, today):
    today("2026-03-12 10:00")
    d = make(
        province,
        code=CODE,
        received="2026-03-02 09:15",
        due="2026-03-10 17:00",
        applicant_name="Nguyễn Văn An",
    )
    assert d.lookup_secret == SECRET
    DossierEvent.objects.create(dossier=d, at=at("2026-03-02 09:15"), action="accept", note="Đủ thành phần hồ sơ.")
    DossierEvent.objects.create(dossier=d, at=at("2026-03-03 08:00"), action="assign", public=False, note="Nội bộ")
    return d


def test_mask_keeps_one_letter_per_word():
    assert mask_name("Nguyễn Văn An") == "N*** V*** A***"
    assert mask_name("Công ty TNHH ABC") == "C*** t*** T*** A***"
    assert mask_name("") == "***"


class TestByCode:
    def test_the_fields_of_article_15(self, client, dossier):
        response = client.get("/tra-cuu/", {"code": CODE})
        assert response.status_code == 200
        html = response.content.decode()
        for text in (
            CODE,
            "N*** V*** A***",
            "Hộ tịch",
            "Cấp bản sao trích lục hộ tịch",
            "09:15 02/03/2026",  # received
            "17:00 10/03/2026",  # appointment
            "Đang xử lý",  # status in words
            "Đang giải quyết, đã quá hạn",  # 12/3 is after the appointment date 10/3
        ):
            assert text in html, text
        assert "Nguyễn Văn An" not in html
        assert "Đủ thành phần hồ sơ." not in html  # no timeline without the secret
        assert "Quá trình giải quyết" not in html

    def test_codes_are_read_as_printed(self, client, dossier):
        response = client.get("/tra-cuu/", {"code": "  000.00.01.h41-260302-0007 "})
        assert response.status_code == 200

    def test_the_code_url_without_secret_shows_the_same(self, client, dossier):
        response = client.get(f"/tra-cuu/{CODE}/")
        assert response.status_code == 200
        assert "N*** V*** A***" in response.content.decode()

    def test_resolved_on_time(self, client, province, today):
        today("2026-03-20 10:00")
        make(
            province,
            code="000.00.01.H41-260302-0008",
            received="2026-03-02",
            due="2026-03-10 17:00",
            resolved="2026-03-10 11:00",
            returned="2026-03-11 09:00",
        )
        html = client.get("/tra-cuu/000.00.01.H41-260302-0008/").content.decode()
        assert "Đã trả kết quả" in html
        assert "Giải quyết đúng hạn" in html

    def test_a_withdrawn_dossier_has_no_timeliness(self, client, province, today):
        today("2026-03-20 10:00")
        make(province, code="000.00.01.H41-260302-0009", received="2026-03-02", withdrawn="2026-03-04 10:00")
        html = client.get("/tra-cuu/000.00.01.H41-260302-0009/").content.decode()
        assert "Đã rút hồ sơ" in html
        assert "hạn</span>" not in html

    def test_htmx_gets_the_result_partial(self, client, dossier):
        response = client.get("/tra-cuu/", {"code": CODE}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="lookup-result"')
        assert "<html" not in html

    def test_an_empty_code_is_a_form_error(self, client, db):
        response = client.get("/tra-cuu/", {"code": ""})
        assert response.status_code == 400
        assert "error-summary" in response.content.decode()

    def test_the_form_alone(self, client, db):
        response = client.get("/tra-cuu/")
        assert response.status_code == 200
        assert 'name="code"' in response.content.decode()


class TestWithSecret:
    def test_the_qr_url_adds_the_public_timeline(self, client, dossier):
        response = client.get(f"/tra-cuu/{CODE}/", {"k": SECRET})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Quá trình giải quyết" in html
        assert "Đủ thành phần hồ sơ." in html
        assert "Nội bộ" not in html  # events not meant for the applicant stay hidden

    def test_a_wrong_secret_looks_exactly_like_an_unknown_code(self, client, dossier):
        wrong = client.get(f"/tra-cuu/{CODE}/", {"k": "doan-sai"})
        other_code = "000.00.01.H41-260302-0099"
        unknown = client.get(f"/tra-cuu/{other_code}/", {"k": "doan-sai"})
        assert wrong.status_code == unknown.status_code == 404

        def page(response, code):
            html = response.content.decode().replace(code, "CODE")
            # CSRF tokens are masked afresh on every render
            return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", html)

        assert page(wrong, CODE) == page(unknown, other_code)
        assert "Không tìm thấy hồ sơ với mã này" in wrong.content.decode()

    def test_the_api_hides_the_same_way(self, client, dossier):
        wrong = client.get(f"/api/v1/lookup/{CODE}/", {"k": "doan-sai"})
        unknown = client.get("/api/v1/lookup/000.00.01.H41-260302-0099/", {"k": "doan-sai"})
        assert wrong.status_code == unknown.status_code == 404
        assert wrong.json() == unknown.json()


class TestApi:
    def test_same_data_as_the_page(self, client, dossier):
        body = client.get(f"/api/v1/lookup/{CODE}/").json()
        assert body == {
            "code": CODE,
            "applicant": "N*** V*** A***",
            "sector": "Hộ tịch",
            "procedure": "Cấp bản sao trích lục hộ tịch",
            "procedure_code": "1.001193",
            "received_at": "2026-03-02T09:15:00+07:00",
            "due_at": "2026-03-10T17:00:00+07:00",
            "status": "processing",
            "status_label": "Đang xử lý",
            "timeliness": "overdue",
            "timeliness_label": "Đang giải quyết, đã quá hạn",
        }

    def test_with_the_secret_the_timeline(self, client, dossier):
        body = client.get(f"/api/v1/lookup/{CODE}/", {"k": SECRET}).json()
        assert [(e["action"], e["note"]) for e in body["timeline"]] == [("accept", "Đủ thành phần hồ sơ.")]
        assert body["result_verifiable"] is False


class TestRateLimit:
    def test_too_many_lookups_get_a_clear_message(self, client, dossier, settings):
        settings.LOOKUP_RATE_LIMIT = "3/m"
        codes = [CODE, "000.00.01.H41-260302-0100", "000.00.01.H41-260302-0101"]
        assert [client.get("/tra-cuu/", {"code": c}).status_code for c in codes] == [200, 404, 404]
        blocked = client.get("/tra-cuu/", {"code": CODE})
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "60"
        assert "Bạn đã tra cứu quá nhiều lần" in blocked.content.decode()
        api = client.get(f"/api/v1/lookup/{CODE}/")  # the API shares the allowance
        assert api.status_code == 429
        assert api.json()["code"] == "rate_limited"

    def test_the_allowance_is_per_client(self, client, dossier, settings):
        settings.LOOKUP_RATE_LIMIT = "2/m"
        for _ in range(2):
            client.get("/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.0.0.1")
        assert client.get("/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.get("/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.0.0.2").status_code == 200


class TestSignatureVerification:
    @pytest.fixture
    def signed_result(self, dossier, settings, tmp_path):
        from pypdf import PdfWriter

        from dossiers import pki, signing

        settings.SIGNING_DIR = str(tmp_path / "pki")
        pki.ensure_demo_pki(directory=tmp_path / "pki", agencies=[dossier.competent_agency])
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        buffer = io.BytesIO()
        writer.write(buffer)
        signed = signing.sign_pdf(buffer.getvalue(), agency=dossier.competent_agency, reason="Kết quả giải quyết")
        document = IssuedDocument(
            dossier=dossier, kind=IssuedDocument.Kind.RESULT, sha256=hashlib.sha256(signed).hexdigest()
        )
        document.file.save("ket-qua.pdf", ContentFile(signed), save=True)
        return signed

    def test_the_qr_holder_has_the_result_verified(self, client, signed_result):
        page = client.get(f"/tra-cuu/{CODE}/", {"k": SECRET}).content.decode()
        assert f"/tra-cuu/{CODE}/xac-thuc-ket-qua/?k={SECRET}" in page
        response = client.get(f"/tra-cuu/{CODE}/xac-thuc-ket-qua/", {"k": SECRET})
        assert response.status_code == 200
        assert response.context["verdict"].status == "valid"
        assert "Chữ ký số hợp lệ" in response.content.decode()

    def test_without_the_secret_nothing(self, client, signed_result):
        assert client.get(f"/tra-cuu/{CODE}/xac-thuc-ket-qua/", {"k": "sai"}).status_code == 404

    def test_anyone_can_upload_a_pdf(self, client, signed_result):
        good = client.post("/tra-cuu/xac-thuc-chu-ky/", {"file": ContentFile(signed_result, name="kq.pdf")})
        assert good.context["verdict"].status == "valid"
        tampered = bytearray(signed_result)
        index = tampered.index(b"/MediaBox")
        tampered[index + 1 : index + 2] = b"m"
        bad = client.post("/tra-cuu/xac-thuc-chu-ky/", {"file": ContentFile(bytes(tampered), name="kq.pdf")})
        assert bad.context["verdict"].status != "valid"
        not_pdf = client.post("/tra-cuu/xac-thuc-chu-ky/", {"file": ContentFile(b"hello", name="x.pdf")})
        assert not_pdf.context["verdict"].status == "not_pdf"


def test_behind_a_proxy_the_appended_address_counts(client, dossier, settings):
    """A client cannot escape the limit by writing its own X-Forwarded-For: the proxy's appended entry counts."""
    settings.LOOKUP_RATE_LIMIT = "1/m"
    settings.TRUSTED_PROXY_HOPS = 1
    first = client.get("/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert first.status_code == 200
    spoofed = client.get(
        "/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.5"
    )
    assert spoofed.status_code == 429
    other = client.get("/tra-cuu/", {"code": CODE}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 200


def test_the_api_body_has_the_documented_fields(client, dossier):
    from dossiers.api.lookup import LookupSerializer

    documented = set(LookupSerializer().fields)
    assert set(client.get(f"/api/v1/lookup/{CODE}/").json()) == documented - {"timeline", "result_verifiable"}
    assert set(client.get(f"/api/v1/lookup/{CODE}/", {"k": SECRET}).json()) == documented


def test_the_api_answers_json_whatever_the_client_accepts(client, dossier):
    """Open-data endpoints answer JSON to browsers too (no browsable-API page), errors included."""
    for accept in ("text/html,application/xhtml+xml", "application/xml", "*/*"):
        found = client.get(f"/api/v1/lookup/{CODE}/", HTTP_ACCEPT=accept)
        assert (found.status_code, found["Content-Type"]) == (200, "application/json")
        assert found.json()["code"] == CODE
        missing = client.get("/api/v1/lookup/000.00.01.H41-260302-0099/", HTTP_ACCEPT=accept)
        assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")


def test_the_one_round_trip_counter_is_django_ratelimits_counter(rf, settings, db):
    """On Redis the lookup counts in one pipelined round trip; the key and window are django-ratelimit's, so the
    library sees the same count."""
    from django_ratelimit.core import get_usage

    from dossiers.views.lookup import LOOKUP_GROUP, client_address, limited

    settings.LOOKUP_RATE_LIMIT = "5/m"
    request = rf.get("/tra-cuu/", REMOTE_ADDR="198.51.100.7")
    assert [limited(request) for _ in range(3)] == [False, False, False]
    usage = get_usage(request, group=LOOKUP_GROUP, key=client_address, rate="5/m", increment=True)
    assert usage["count"] == 4
    assert [limited(request) for _ in range(2)] == [False, True]
