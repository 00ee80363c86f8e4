"""Journey: a citizen finds a procedure without typing diacritics, narrows to level 4, opens it and downloads its
form template (issue 3, "Done means"). Screenshots: artifacts/catalogue/<nn>-<step>.png."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from procedures.seed import seed_procedures
from tests.procedures.conftest import create_demo_agencies

JOURNEY = "catalogue"


@pytest.fixture
def catalogue(transactional_db):
    create_demo_agencies()
    seed_procedures(lambda line: None)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_search_filter_open_and_download_a_form_template(page: Page, live_server, catalogue, artifacts):
    page.goto(f"{live_server.url}/thu-tuc/")
    expect(page.get_by_role("heading", name="Danh mục thủ tục hành chính")).to_be_visible()
    artifacts(page, JOURNEY, "01-catalogue")

    page.get_by_label("Tên hoặc mã thủ tục").fill("ho kinh doanh")  # no diacritics: htmx updates as one types
    expect(page.locator("#result-count")).to_have_text(re.compile("Tìm thấy 3 thủ tục cho “ho kinh doanh”"))
    results = page.locator(".procedure-item h3")
    expect(results.first).to_have_text("Đăng ký thành lập hộ kinh doanh")
    assert "q=ho+kinh+doanh" in page.url  # hx-push-url: the address can be shared and reloaded
    artifacts(page, JOURNEY, "02-search-without-diacritics")

    page.get_by_label("Mức độ dịch vụ công").select_option("4")
    expect(page.locator("#result-count")).to_have_text(re.compile("Tìm thấy 1 thủ tục"))
    expect(results).to_have_count(1)
    artifacts(page, JOURNEY, "03-level-4")

    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký thành lập hộ kinh doanh")
    expect(page.get_by_text("Mức độ 4 — nộp, thanh toán và nhận kết quả trực tuyến").first).to_be_visible()
    expect(page.get_by_text("100.000 đồng")).to_be_visible()
    artifacts(page, JOURNEY, "04-procedure")

    with page.expect_download() as info:
        page.locator("ul.templates").get_by_role("link").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = download.path()
    with open(path, "rb") as handle:
        document = zipfile.ZipFile(io.BytesIO(handle.read())).read("word/document.xml").decode()
    assert "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH" in document
    page.get_by_role("heading", name="Mẫu đơn, tờ khai tải về").scroll_into_view_if_needed()
    artifacts(page, JOURNEY, "05-template-downloaded")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_catalogue_works_without_javascript(browser, browser_context_args, live_server, catalogue, artifacts):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/thu-tuc/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("HO KINH DOANH")
    page.get_by_label("Mức độ dịch vụ công").select_option("3")
    page.get_by_role("button", name="Tìm thủ tục").click()
    expect(page.locator("#result-count")).to_have_text(re.compile("Tìm thấy 2 thủ tục"))
    artifacts(page, JOURNEY, "06-without-javascript")
    context.close()
