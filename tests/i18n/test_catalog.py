"""English is the portal's second language: the catalogs are complete and compiled, and the pages a visitor, a
citizen and an investor open are English once they press "EN" (the ``django_language`` cookie; URLs stay the same).

The source strings are Vietnamese; ``locale/en`` translates them and ``locale/vi`` is the identity catalog. The issued
documents (Mẫu 01–06) and the notification texts stay Vietnamese by law and by design; they are not checked here.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import workflow
from dossiers.services import attachments, submission
from portal.models import Agency, OfficerPost
from procedures import services
from procedures.models import Procedure, Sector
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory, OfficerPostFactory
from tests.i18n.text import VIETNAMESE_LETTERS, vietnamese_left, visible_texts

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = {language: LOCALE / language / "LC_MESSAGES" / "django.po" for language in ("en", "vi")}
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# %(name)s, %(n)02d, %s, %% — and {label}, the one brace placeholder the code fills by hand.
PRINTF = re.compile(r"%(?:\([A-Za-z_]\w*\))?[#0\-+]?\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")
BRACES = re.compile(r"\{[A-Za-z_]\w*\}")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(CATALOGS[language]))


def forms(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: one for a plain entry, one per plural form otherwise."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    sources = [entry.msgid, entry.msgid_plural]
    return [(sources[min(int(index), 1)], text) for index, text in sorted(entry.msgstr_plural.items())]


def shape(text: str) -> tuple[Counter, Counter, Counter]:
    return Counter(PRINTF.findall(text)), Counter(BRACES.findall(text)), Counter(TAG.findall(text))


# ------------------------------------------------------------------------------------------------ the catalogs


@pytest.mark.parametrize("language", ["en", "vi"])
def test_no_entry_is_fuzzy(language):
    """msgmerge marks its guesses fuzzy; a guess is never compiled, so it must be translated or emptied."""
    po = catalog(language)
    assert len(po) > 1000
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert po.metadata["Language"] == language
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_every_english_entry_is_translated():
    untranslated = [entry.msgid for entry in catalog("en").untranslated_entries()]
    assert not untranslated, (
        f"{len(untranslated)} untranslated (run `make messages`, translate), e.g. {untranslated[:5]}"
    )


def test_plural_forms_follow_each_language():
    """English has two forms ("1 file", "2 files"); Vietnamese one ("1 tệp", "2 tệp")."""
    assert catalog("en").metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert catalog("vi").metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    for entry in catalog("en"):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


def test_english_keeps_every_placeholder_and_html_tag():
    """A lost ``%(name)s`` raises KeyError, a lost ``<a href="%(url)s">`` loses the link."""
    mismatched = []
    for entry in catalog("en"):
        for source, translation in forms(entry):
            if shape(source) != shape(translation):
                mismatched.append((source, translation))
    assert not mismatched, "\n".join(f"{s!r} → {t!r}" for s, t in mismatched[:10])


def test_no_english_entry_is_a_copy_of_the_vietnamese():
    """A translator's shortcut (msgstr = msgid) would pass the "translated" check. The one deliberate copy is the
    language switcher's "Tiếng Việt": a language is offered under its own name."""
    endonyms = {"Tiếng Việt"}
    copied = [
        entry.msgid
        for entry in catalog("en")
        for source, translation in forms(entry)
        if translation == source and source not in endonyms and VIETNAMESE_LETTERS.search(translation)
    ]
    assert not copied, copied[:10]


def test_vietnamese_catalog_is_the_identity():
    """Vietnamese is the source language: each entry is its own msgid, or empty (gettext then shows the msgid)."""
    for entry in catalog("vi"):
        if entry.msgid_plural:
            assert entry.msgstr_plural in ({0: entry.msgid}, {0: ""}), entry.msgid
        else:
            assert entry.msgstr in (entry.msgid, ""), entry.msgid


@pytest.mark.parametrize("language", ["en", "vi"])
def test_compiled_catalog_matches_its_source(language):
    """The .mo files are committed (a bare machine may have no msgfmt): they must be compiled from the .po as it is."""
    po = catalog(language)
    mo = polib.mofile(str(CATALOGS[language].with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in mo if entry.msgid}
    stale = []
    for entry in po.translated_entries():
        found = compiled.pop((entry.msgctxt, entry.msgid), None)
        if found is None or found.msgstr != entry.msgstr or found.msgstr_plural != entry.msgstr_plural:
            stale.append(entry.msgid)
    assert not stale, f"{len(stale)} entries differ from the .po (run `make messages`), e.g. {stale[:5]}"
    assert not compiled, f"the .mo has entries the .po no longer has, e.g. {list(compiled)[:5]}"


# ------------------------------------------------------------------------------------------------ the pages

BIRTH_SCHEMA = {
    "title": {"vi": "Tờ khai đăng ký khai sinh", "en": "Birth registration form"},
    "fields": [
        {
            "name": "ho_ten",
            "type": "text",
            "label": {"vi": "Họ, chữ đệm, tên người yêu cầu", "en": "Applicant's full name"},
            "required": True,
            "prefill": "full_name",
        },
        {
            "name": "so_dinh_danh",
            "type": "cccd",
            "label": {"vi": "Số định danh cá nhân", "en": "Personal ID number"},
            "hint": {"vi": "12 chữ số trên thẻ căn cước.", "en": "12 digits."},
            "required": True,
            "prefill": "citizen_id",
        },
        {
            "name": "ho_ten_tre",
            "type": "text",
            "label": {"vi": "Họ, chữ đệm, tên người được khai sinh", "en": "Child's full name"},
            "required": True,
        },
        {
            "name": "gioi_tinh",
            "type": "choice",
            "label": {"vi": "Giới tính", "en": "Sex"},
            "choices": [
                {"value": "nam", "label": {"vi": "Nam", "en": "Male"}},
                {"value": "nu", "label": {"vi": "Nữ", "en": "Female"}},
            ],
            "required": True,
        },
        {"name": "ngay_sinh_tre", "type": "date", "label": {"vi": "Ngày sinh", "en": "Date of birth"}},
        {
            "name": "cam_doan",
            "type": "boolean",
            "label": {"vi": "Tôi cam đoan nội dung khai là đúng sự thật.", "en": "I declare this is true."},
            "required": True,
        },
    ],
}


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def province(db):
    """Tân An ward's centre receives a published level-3 birth registration decided by the ward; Nguyễn Văn An
    submits it online on Tuesday 28/4/2026 and the desk receives it the same morning, so its appointment date
    skips 30/4 and 1/5 (Reunification Day, Labour Day) and the weekend."""
    province = AgencyFactory(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind=Agency.Kind.PROVINCE)
    ward = AgencyFactory(
        code="001.00.00.H41", name="Ủy ban nhân dân phường Tân An", kind=Agency.Kind.COMMUNE, parent=province
    )
    centre = AgencyFactory(
        code="001.01.00.H41",
        name="Trung tâm Phục vụ hành chính công phường Tân An",
        kind=Agency.Kind.CENTRE,
        parent=ward,
    )
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    draft = services.procedure_create_draft(
        code="1.001193",
        by=None,
        receiving_agencies=[centre],
        components=[{"name": "Giấy chứng sinh", "originals": 1, "copies": 0}],
        name="Đăng ký khai sinh",
        sector=sector,
        administrative_level="commune",
        service_level=3,
        competent_agency=ward,
        processing_time_value=Decimal("3"),
        processing_time_unit="working_days",
        eform_schema=BIRTH_SCHEMA,
        fees=[{"label": "Lệ phí", "amount": 8000, "note": "mỗi bản"}],
        legal_basis="Luật Hộ tịch số 60/2014/QH13.",
        procedure_steps="Bước 1: Nộp tờ khai.",
        requirements="Đăng ký trong 60 ngày kể từ ngày sinh.",
        result_type="Giấy khai sinh",
    )
    services.procedure_publish(version=draft, by=None, effective_from=date(2025, 7, 1))
    procedure = Procedure.objects.get(code="1.001193")
    receiver = OfficerFactory(full_name="Trần Thị Bình")
    OfficerPostFactory(user=receiver, agency=centre, role=OfficerPost.Role.RECEIVER)
    citizen = CitizenFactory(full_name="Nguyễn Văn An", citizen_id="080090001234", email="nguyenvanan@example.vn")

    with time_machine.travel(vn(2026, 4, 28, 9, 0), tick=False):
        dossier = submission.dossier_start(procedure=procedure, applicant=citizen, receiving_agency=centre)
        submission.dossier_save_answers(
            dossier=dossier,
            by=citizen,
            form_data={
                "ho_ten": "Nguyễn Văn An",
                "so_dinh_danh": "080090001234",
                "ho_ten_tre": "NGUYỄN MINH KHÔI",
                "gioi_tinh": "nam",
                "ngay_sinh_tre": "2026-04-01",
                "cam_doan": True,
            },
        )
        dossier.refresh_from_db()
        attachments.attachments_add(
            dossier=dossier,
            component=draft.components.get(),
            files=[SimpleUploadedFile("giay-chung-sinh.pdf", _pdf(), "application/pdf")],
            by=citizen,
        )
        submission.dossier_submit(dossier=dossier, by=citizen)
    with time_machine.travel(vn(2026, 4, 28, 10, 0), tick=False):
        dossier.refresh_from_db()
        workflow.accept(dossier, by=receiver)
    dossier.refresh_from_db()
    data = [
        province.name,
        ward.name,
        centre.name,
        sector.name,
        draft.name,
        "Giấy chứng sinh",
        "Lệ phí",
        "mỗi bản",
        draft.legal_basis,
        draft.procedure_steps,
        draft.requirements,
        draft.result_type,
        citizen.full_name,
        "NGUYỄN MINH KHÔI",
        receiver.full_name,
    ]
    return {"procedure": procedure, "citizen": citizen, "dossier": dossier, "data": data}


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, url: str) -> str:
    # The dossier's appointment is read on Wednesday 29/4/2026: open, within its time limit.
    with time_machine.travel(vn(2026, 4, 29, 10, 0), tick=False):
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en"' in html
    return html


PUBLIC_PAGES = {
    "home page": lambda w: reverse("home"),
    "catalogue": lambda w: reverse("procedures:list"),
    "catalogue search": lambda w: reverse("procedures:list") + "?q=khai+sinh",
    "procedure page": lambda w: reverse("procedures:detail", args=[w["procedure"].code]),
    "guide": lambda w: reverse("procedures:help"),
    "login": lambda w: reverse("accounts:login"),
    "registration": lambda w: reverse("accounts:register"),
    "forgotten password": lambda w: reverse("accounts:password_reset"),
}
CITIZEN_PAGES = {
    "my dossiers": lambda w: reverse("dossiers:mine"),
    "dossier page": lambda w: reverse("dossiers:detail", args=[w["dossier"].pk]),
    "new dossier": lambda w: reverse("dossiers:start", args=[w["procedure"].code]),
    "document store": lambda w: reverse("dossiers:store"),
    "account": lambda w: reverse("accounts:profile"),
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_pages_are_english(english, province, name):
    html = page(english, PUBLIC_PAGES[name](province))
    assert not vietnamese_left(html, data=province["data"])


@pytest.mark.parametrize("name", list(CITIZEN_PAGES))
def test_a_citizens_pages_are_english(english, province, name):
    english.force_login(province["citizen"])
    html = page(english, CITIZEN_PAGES[name](province))
    assert not vietnamese_left(html, data=province["data"])


def test_the_dossier_page_explains_the_appointment_in_english(english, province):
    """The explanation names the days it skipped, the public holidays by their English names."""
    english.force_login(province["citizen"])
    text = " | ".join(visible_texts(page(english, reverse("dossiers:detail", args=[province["dossier"].pk]))))
    assert "How the appointment date is calculated" in text
    assert "Processing time limit: 3 working days." in text
    assert "Liberation Day/Reunification Day" in text and "International Labor Day" in text
    assert "Dossier received" in text  # the timeline event, not the Vietnamese verb


def test_the_same_pages_stay_vietnamese_without_the_cookie(client, province):
    html = client.get(reverse("procedures:detail", args=[province["procedure"].code])).content.decode()
    assert '<html lang="vi"' in html
    assert "Thời hạn giải quyết" in html and "Processing time limit" not in html


def test_pressing_en_sets_the_cookie_and_keeps_the_address(client, province):
    """The header's language form posts to Django's set_language and comes back to the same URL."""
    url = reverse("procedures:detail", args=[province["procedure"].code])
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_header_carries_the_english_name_of_the_portal(english, settings):
    settings.PORTAL_NAME_EN = "Long An Province Public Service Portal"
    html = english.get(reverse("accounts:login")).content.decode()
    assert "Long An Province Public Service Portal" in html and settings.PORTAL_NAME not in html


def test_the_check_does_see_vietnamese_interface_text(client, province):
    """The same procedure page in Vietnamese fails the check: it is not blind."""
    html = client.get(reverse("procedures:detail", args=[province["procedure"].code])).content.decode()
    left = vietnamese_left(html, data=province["data"])
    assert any("Thời hạn giải quyết" in text for text in left)
