"""Browser journey of issue 7: the public looks a dossier up by its code and by the QR URL of its receipt, opens the
statistics dashboard, changes the period, and exports a table as XLSX. Screenshots: artifacts/public-lookup-statistics/.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from dossiers.models import ApologySlip, DossierEvent
from portal import clock
from tests.reporting.builders import at, build_province, make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "000.00.01.H41-260302-0007"
SECRET = "bi-mat-qr-302-0007"
JOURNEY = "public-lookup-statistics"


@pytest.fixture
def province_with_history():
    cache.clear()
    clock.freeze(at("2026-04-15 10:00"))
    p = build_province()
    dossier = make(p, code=CODE, received="2026-03-02 09:15", due="2026-03-16 17:00", applicant_name="Nguyễn Văn An")
    DossierEvent.objects.create(dossier=dossier, at=at("2026-03-02 09:15"), action="accept", note="Đủ thành phần.")
    DossierEvent.objects.create(dossier=dossier, at=at("2026-03-03 08:00"), action="assign")
    # Some history for the dashboard: March and April 2026, three agencies, every channel.
    for day in range(2, 28, 2):
        make(
            p,
            procedure=p.birth,
            received=f"2026-03-{day:02d}",
            due=f"2026-03-{day + 3:02d} 17:00",
            resolved=f"2026-03-{day + 2:02d} 10:00",
        )
        make(
            p,
            procedure=p.business,
            channel=1,
            received=f"2026-03-{day:02d}",
            due=f"2026-03-{day + 2:02d} 17:00",
            resolved=f"2026-03-{day + 3:02d} 10:00",
            was_late=True,
        )
        make(
            p,
            procedure=p.residence,
            channel=3,
            received=f"2026-04-{day // 2 + 1:02d}",
            due=f"2026-04-{day // 2 + 5:02d} 17:00",
        )
    late = make(
        p, procedure=p.business, received="2026-03-05", due="2026-03-20 17:00", code="000.00.01.H41-260305-0002"
    )
    ApologySlip.objects.create(
        dossier=late,
        reason="Cần lấy ý kiến cơ quan thuế",
        original_due_at=at("2026-03-13 17:00"),
        new_due_at=at("2026-03-20 17:00"),
        issued_at=at("2026-03-11 10:00"),
    )
    yield p
    clock.unfreeze()


def test_public_looks_up_a_dossier_and_reads_the_statistics(page: Page, live_server, province_with_history, artifacts):
    base = live_server.url

    # 1. From the home page's form, by code.
    page.goto(base + "/")
    page.get_by_label("Mã hồ sơ (in trên giấy tiếp nhận)").fill(CODE)
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    result = page.locator("#lookup-result")
    expect(result).to_contain_text("N*** V*** A***")
    expect(result).to_contain_text("Cấp bản sao trích lục hộ tịch")
    expect(result).to_contain_text("16/03/2026")
    expect(result).to_contain_text("Đang giải quyết, đã quá hạn")
    expect(result).not_to_contain_text("Quá trình giải quyết")
    artifacts(page, JOURNEY, "01-lookup-by-code")

    # An unknown code, typed into the lookup page (htmx swaps the answer in): a clear "not found".
    page.get_by_label("Mã hồ sơ").fill("000.00.01.H41-260302-9999")
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(page.locator("#lookup-result")).to_contain_text("Không tìm thấy hồ sơ với mã này")
    artifacts(page, JOURNEY, "02-lookup-unknown-code")

    # 2. The QR code of the receipt opens the code with its secret: the timeline too.
    page.goto(f"{base}/tra-cuu/{CODE}/?k={SECRET}")
    expect(page.get_by_role("heading", name="Quá trình giải quyết")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Tiếp nhận hồ sơ")
    expect(page.locator(".timeline")).to_contain_text("Đủ thành phần.")
    artifacts(page, JOURNEY, "03-lookup-by-qr")

    # 3. The statistics dashboard, from the menu.
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Thống kê").click()
    expect(page.get_by_role("heading", name="Thống kê tình hình giải quyết hồ sơ")).to_be_visible()
    expect(page.get_by_role("heading", name="Kỳ báo cáo từ 01/01/2026 đến 31/12/2026")).to_be_visible()
    expect(page.locator("#stat-department")).to_contain_text("Sở Tư pháp")
    expect(page.locator("#stat-locality")).to_be_visible()
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    expect(page.get_by_text("Cần lấy ý kiến cơ quan thuế")).to_be_visible()
    artifacts(page, JOURNEY, "04-dashboard-year")

    # 4. Change the period to March 2026 (htmx replaces the figures; the address follows).
    page.get_by_label("Tháng", exact=True).check()
    page.locator("#id_month").select_option("3")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.get_by_role("heading", name="Kỳ báo cáo từ 01/03/2026 đến 31/03/2026")).to_be_visible()
    assert "kind=month" in page.url and "month=3" in page.url
    summary = page.locator(".summary")
    expect(summary).to_contain_text("Tiếp nhận trong kỳ")
    artifacts(page, JOURNEY, "05-dashboard-march")

    # 5. Export the per-department table of March as XLSX, and read it.
    with page.expect_download() as download_info:
        page.locator("#stat-department").get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "thong-ke-department-20260301-20260331.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["000.00.04.H41"][2] == 14  # received by the justice department in March (13 + the looked-up one)
    assert rows["000.00.07.H41"][2] == 14
    artifacts(page, JOURNEY, "06-exported")

    # 6. On a phone the dashboard still reads (tables scroll, nothing overflows the page).
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", name="Kỳ báo cáo từ 01/03/2026 đến 31/03/2026")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    artifacts(page, JOURNEY, "07-dashboard-phone")
