"""Journey: a visiting investor presses "EN" in the header and reads the portal in English — the home page, a
search of the catalogue, a procedure — then returns to Vietnamese. The address never changes: the choice is a cookie
(Django's set_language). Screenshots: artifacts/english/<nn>-<step>.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from procedures.seed import seed_procedures
from tests.procedures.conftest import create_demo_agencies

JOURNEY = "english"


@pytest.fixture
def catalogue(transactional_db):
    create_demo_agencies()
    seed_procedures(lambda line: None)


def press(page: Page, code: str) -> None:
    """The header's language buttons read "EN" / "VI" (with the language's name for screen readers)."""
    page.locator("header").get_by_role("button", name=re.compile(rf"^{code}\b")).click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_the_portal_to_english_and_back(page: Page, live_server, catalogue, artifacts):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dịch vụ công trực tuyến")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    artifacts(page, JOURNEY, "01-home-vietnamese")

    press(page, "EN")
    expect(page.get_by_role("heading", name="Online public services")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == f"{live_server.url}/"
    expect(page.locator("header")).to_contain_text("Log in")
    expect(page.get_by_role("heading", name="Procedures by sector")).to_be_visible()
    artifacts(page, JOURNEY, "02-home-english")

    page.get_by_role("link", name="Procedure catalogue").first.click()
    expect(page.get_by_role("heading", name="Catalogue of administrative procedures")).to_be_visible()
    page.get_by_label("Procedure name or code").fill("ho kinh doanh")
    expect(page.locator("#result-count")).to_have_text(re.compile("3 procedures found for “ho kinh doanh”"))
    artifacts(page, JOURNEY, "03-catalogue-search")

    page.locator(".procedure-item h3").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký thành lập hộ kinh doanh")  # data stays
    expect(page.get_by_text("Level 4 — online submission, payment and result").first).to_be_visible()
    expect(page.get_by_text("100,000 VND")).to_be_visible()
    expect(page.get_by_role("heading", name="Processing time, fees and charges")).to_be_visible()
    artifacts(page, JOURNEY, "04-procedure")

    procedure_url = page.url
    press(page, "VI")
    expect(page.get_by_text("100.000 đồng")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.url == procedure_url
    artifacts(page, JOURNEY, "05-back-to-vietnamese")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_language_button_works_without_javascript(browser, browser_context_args, live_server, catalogue, artifacts):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/tai-khoan/dang-ky/")
    press(page, "EN")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account registration")
    expect(page.get_by_label("Full name")).to_be_visible()
    artifacts(page, JOURNEY, "06-registration-without-javascript")
    context.close()
