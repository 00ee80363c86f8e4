"""Wiring of the dashboard, exports, apology list and open-data API: one definition behind every output."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from dossiers.models import ApologySlip
from reporting import stats
from tests.reporting.builders import at, make


@pytest.fixture
def data(province, today):
    today("2026-04-15 10:00")
    p = province
    make(p, procedure=p.birth, received="2026-03-02", due="2026-03-10 17:00", resolved="2026-03-09 10:00")
    make(p, procedure=p.birth, channel=1, received="2026-03-03", due="2026-03-10 17:00", resolved="2026-03-12 10:00")
    late = make(
        p, procedure=p.business, received="2026-03-04", due="2026-03-20 17:00", code="000.00.01.H41-260304-0001"
    )
    make(p, procedure=p.residence, channel=3, received="2026-03-05", due="2026-03-06 17:00")
    ApologySlip.objects.create(
        dossier=late,
        reason="Cần xác minh thêm thông tin đăng ký",
        original_due_at=at("2026-03-13 17:00"),
        new_due_at=at("2026-03-20 17:00"),
        issued_at=at("2026-03-11 10:00"),
    )
    return p


MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


class TestApi:
    def test_rows_carry_key_name_and_exactly_the_published_fields(self, client, data):
        response = client.get("/api/v1/stats/", {**MARCH, "group_by": "agency"})
        assert response.status_code == 200
        body = response.json()
        assert (body["from"], body["to"], body["reference_day"]) == ("2026-03-01", "2026-03-31", "2026-03-31")
        assert {tuple(row) for row in body["rows"]} == {("key", "name", *stats.FIGURE_FIELDS)}
        justice = next(r for r in body["rows"] if r["key"] == "000.00.04.H41")
        assert justice["name"] == "Sở Tư pháp"
        assert (justice["received"], justice["resolved_early"], justice["resolved_late"]) == (2, 1, 1)
        assert justice["on_time_rate"] == 0.5

    def test_without_group_by_one_total_row(self, client, data):
        body = client.get("/api/v1/stats/", MARCH).json()
        assert [r["key"] for r in body["rows"]] == ["total"]
        assert body["rows"][0]["received"] == 4
        # the business dossier (due 20/3) and the residence dossier (due 6/3), both open on 31/3
        assert body["rows"][0]["pending_overdue"] == 2

    def test_json_for_browsers_too(self, client, data):
        response = client.get("/api/v1/stats/", MARCH, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert (response.status_code, response["Content-Type"]) == (200, "application/json")
        assert response.json()["rows"][0]["received"] == 4

    def test_filters_by_codes(self, client, data):
        body = client.get("/api/v1/stats/", {**MARCH, "agency": "000.00.04.H41", "group_by": "channel"}).json()
        assert {r["key"]: r["received"] for r in body["rows"]} == {"1": 1, "2": 1}
        assert body["filters"]["agency"] == "000.00.04.H41"
        body = client.get("/api/v1/stats/", {**MARCH, "sector": "DKKD"}).json()
        assert body["rows"][0]["received"] == 1
        body = client.get("/api/v1/stats/", {**MARCH, "procedure": "1.004222", "channel": "3"}).json()
        assert body["rows"][0]["received_postal"] == 1

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"from": "2026-04-01", "to": "2026-03-01"}, "__all__"),
            ({"from": "01/03/2026"}, "from"),
            ({"group_by": "district"}, "group_by"),
            ({"agency": "999.99.99.H41"}, "agency"),
            ({"channel": "7"}, "channel"),
        ],
        ids=["from-after-to", "not-iso-date", "unknown-grouping", "unknown-agency", "unknown-channel"],
    )
    def test_bad_parameters_are_named(self, client, data, params, field):
        response = client.get("/api/v1/stats/", params)
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_in_the_openapi_schema(self, client, data):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        operation = schema["paths"]["/api/v1/stats/"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "group_by", "agency"}
        assert "/api/v1/lookup/{code}/" in schema["paths"]


class TestDashboard:
    def test_the_dashboard_shows_province_units_and_apologies(self, client, data):
        response = client.get("/thong-ke/", {"kind": "month", "year": "2026", "month": "3"})
        assert response.status_code == 200
        html = response.content.decode()
        for text in (
            "Theo sở, ban, ngành",
            "Sở Tư pháp",
            "Theo UBND cấp xã, cấp huyện",
            "Ủy ban nhân dân phường Tân An",
            "Theo lĩnh vực",
            "Theo thủ tục hành chính",
            "Theo hình thức tiếp nhận",
            "Cần xác minh thêm thông tin đăng ký",
            "000.00.01.H41-260304-0001",
        ):
            assert text in html, text
        assert response.context["total"].received == 4

    def test_htmx_gets_the_partial(self, client, data):
        response = client.get("/thong-ke/", {"kind": "quarter", "year": "2026", "quarter": "1"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div id="dashboard"')
        assert "<html" not in html
        assert response.context["period"] == stats.Period.quarter(2026, 1)

    def test_a_custom_period_needs_both_dates(self, client, data):
        response = client.get("/thong-ke/", {"kind": "custom", "start": "2026-03-01"})
        assert response.status_code == 200
        assert "Hãy chọn ngày kết thúc." in response.content.decode()

    def test_drilling_into_an_agency(self, client, data):
        response = client.get("/thong-ke/", {"kind": "month", "year": "2026", "month": "3", "agency": "000.00.04.H41"})
        assert response.context["total"].received == 2

    def test_procedure_table_in_full(self, client, data):
        response = client.get("/thong-ke/bang/procedure/", {"kind": "year", "year": "2026"})
        assert response.status_code == 200
        assert [row.key for row in response.context["stat_rows"]] == ["1.001193", "1.004222", "2.001610"]
        assert client.get("/thong-ke/bang/nothing/").status_code == 404

    def test_apology_slips_page(self, client, data):
        response = client.get("/thong-ke/phieu-xin-loi/")
        assert "Cần xác minh thêm thông tin đăng ký" in response.content.decode()
        assert "Nguyễn" not in response.content.decode()  # no personal data


class TestExports:
    def test_csv_has_a_header_and_one_row_per_group(self, client, data):
        response = client.get("/thong-ke/xuat/sector.csv", {"kind": "month", "year": "2026", "month": "3"})
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:4] == ["Mã", "Tên", "Tiếp nhận trong kỳ", "Kỳ trước chuyển qua"]
        assert [r[0] for r in rows[1:]] == ["DKKD", "HT"] or [r[0] for r in rows[1:]] == ["HT", "DKKD"]
        ht = next(r for r in rows[1:] if r[0] == "HT")
        assert ht[2] == "3"

    def test_xlsx_opens_with_the_same_numbers(self, client, data):
        response = client.get("/thong-ke/xuat/department.xlsx", {"kind": "month", "year": "2026", "month": "3"})
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert "Theo sở, ban, ngành" in sheet["A1"].value
        header = [c.value for c in sheet[4]]
        assert header[:3] == ["Mã", "Tên", "Tiếp nhận trong kỳ"]
        values = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
        assert values["000.00.04.H41"][2] == 2
        on_time_column = header.index("Tỷ lệ đúng hạn")
        assert values["000.00.04.H41"][on_time_column] == 0.5

    def test_unknown_format(self, client, data):
        assert client.get("/thong-ke/xuat/sector.pdf").status_code == 404


def test_home_page_shows_the_province_figures(client, data):
    response = client.get("/")
    html = response.content.decode()
    assert "Tình hình giải quyết hồ sơ năm 2026" in html


def test_navigation_has_statistics(client, data):
    html = client.get("/").content.decode()
    assert 'href="/thong-ke/"' in html


def test_procedure_page_shows_its_usage_and_on_time_counts(client, data):
    """Bình Định 44/2019 art 5.1: usage and on-time / late counts on each online service's page."""
    response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tình hình giải quyết" in html
    section = html[html.index("usage-title") :]
    assert "01/01/2026–15/04/2026" in section  # this year so far, then last year
    assert "01/01/2025–31/12/2025" in section
    assert "50,0 %" in section  # one early, one late
