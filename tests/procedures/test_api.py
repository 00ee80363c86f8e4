"""/api/v1/ catalogue: the same filters and search as the page, paginated; a procedure by code with the version in
force on a date; agencies; everything in the OpenAPI schema."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from procedures import services
from procedures.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_draft):
    for code, name, level in [
        ("2.000720", "Đăng ký thành lập hộ kinh doanh", 4),
        ("2.000726", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3),
        ("1.001193", "Đăng ký khai sinh", 3),
        ("2.000815", "Chứng thực bản sao từ bản chính", 2),
    ]:
        draft = make_draft(code, name=name, service_level=level, eform_schema={} if level < 3 else None)
        services.procedure_publish(version=draft, by=None, effective_from=date(2025, 7, 1))


@pytest.fixture
def make_draft(make_draft):
    from tests.procedures.conftest import SIMPLE_SCHEMA

    def make(code, *, eform_schema=None, **kwargs):
        return make_draft(code, eform_schema=SIMPLE_SCHEMA if eform_schema is None else eform_schema, **kwargs)

    return make


def test_procedures_list_searches_like_the_page(client, catalogue):
    for query in ("ho kinh doanh", "HỘ KINH DOANH"):
        body = client.get("/api/v1/procedures/", {"q": query}).json()
        assert body["count"] == 2
        assert [p["code"] for p in body["results"]] == ["2.000720", "2.000726"]
    first = body["results"][0]
    assert first["online"] is True and first["service_level"] == 4
    assert first["sector"] == {"code": "HT", "name": "Hộ tịch"}
    assert first["competent_agency"] == {"code": "001.00.00.H41", "name": "Ủy ban nhân dân phường Tân An"}
    assert first["processing_time"] == {"value": "3.0", "unit": "working_days", "unit_label": "ngày làm việc"}
    assert first["url"] == "http://testserver/api/v1/procedures/2.000720/"
    assert first["page_url"] == "http://testserver/thu-tuc/2.000720/"


def test_procedures_list_filters_and_paginates(client, catalogue):
    assert [p["code"] for p in client.get("/api/v1/procedures/", {"service_level": 2}).json()["results"]] == [
        "2.000815"
    ]
    assert client.get("/api/v1/procedures/", {"online": "true"}).json()["count"] == 3
    page = client.get("/api/v1/procedures/", {"page_size": 3, "sort": "code"}).json()
    assert page["count"] == 4 and len(page["results"]) == 3 and page["next"].endswith("page=2&page_size=3&sort=code")


def test_a_bad_filter_is_a_clear_400(client, catalogue):
    response = client.get("/api/v1/procedures/", {"service_level": 7})
    assert response.status_code == 400
    assert "service_level" in response.json()


def test_procedure_by_code_carries_everything_a_dossier_follows(client, catalogue):
    body = client.get("/api/v1/procedures/1.001193/").json()
    version = body["version"]
    assert body["code"] == "1.001193" and version["number"] == 1
    assert version["receiving_agencies"] == [
        {"code": "001.01.00.H41", "name": "Trung tâm Phục vụ hành chính công phường Tân An"}
    ]
    assert version["components"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert version["eform_schema"]["fields"][0]["name"] == "ho_ten"
    assert version["supplement_policy"] == "restart"
    assert body["history"] == [
        {"number": 1, "status": "published", "effective_from": "2025-07-01T00:00:00+07:00", "change_note": ""}
    ]


def test_procedure_by_code_on_a_date(client, catalogue):
    procedure = services.procedure_start_revision(procedure=Procedure.objects.get(code="1.001193"), by=None)
    services.version_update(version=procedure, by=None, processing_time_value=1)
    services.procedure_publish(version=procedure, by=None, effective_from=date(2026, 1, 1))
    url = "/api/v1/procedures/1.001193/"
    assert client.get(url, {"at": "2025-12-31"}).json()["version"]["processing_time"]["value"] == "3.0"
    assert client.get(url, {"at": "2026-01-01"}).json()["version"]["processing_time"]["value"] == "1.0"
    assert client.get(url, {"version": 1}).json()["version"]["number"] == 1
    missing = client.get(url, {"at": "2020-01-01"})
    assert missing.status_code == 404 and missing.json()["code"] == "no_version_in_force"
    assert client.get(url, {"at": "hôm qua"}).status_code == 400
    assert client.get("/api/v1/procedures/9.999999/").status_code == 404


def test_sectors_with_their_counts(client, catalogue):
    body = client.get("/api/v1/sectors/").json()
    assert body["results"] == [{"code": "HT", "name": "Hộ tịch", "description": "", "procedure_count": 4}]
    assert client.get("/api/v1/sectors/HT/").json()["procedure_count"] == 4


def test_agencies_by_code_kind_and_parent(client, agencies):
    body = client.get("/api/v1/agencies/", {"kind": "centre"}).json()
    assert [a["code"] for a in body["results"]] == ["000.00.01.H41", "001.01.00.H41", "002.01.00.H41"]
    assert client.get("/api/v1/agencies/", {"parent": "000.00.04.H41"}).json()["results"][0]["code"] == "000.04.01.H41"
    assert client.get("/api/v1/agencies/000.00.04.H41/").json()["parent"] == "000.00.00.H41"
    everything = client.get("/api/v1/agencies/", {"include_inactive": "true", "page_size": 100}).json()["count"]
    assert (everything, client.get("/api/v1/agencies/", {"page_size": 100}).json()["count"]) == (17, 15)


def test_provinces_and_communes(client, db):
    provinces = client.get("/api/v1/divisions/provinces/").json()
    assert len(provinces) == 34 and {"code": "80", "name": "Tây Ninh"} in provinces
    assert len(client.get("/api/v1/divisions/provinces/80/communes/").json()) == 96
    assert client.get("/api/v1/divisions/provinces/63/communes/").status_code == 404


def test_the_catalogue_is_in_the_openapi_schema(client, db):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for route in (
        "/api/v1/sectors/",
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{code}/",
        "/api/v1/divisions/provinces/",
    ):
        assert route in schema["paths"], route
    parameters = {p["name"] for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"q", "sector", "agency", "administrative_level", "service_level", "online", "sort", "page"} <= parameters
    assert {"at", "version"} <= {p["name"] for p in schema["paths"]["/api/v1/procedures/{code}/"]["get"]["parameters"]}
