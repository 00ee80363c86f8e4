"""Mẫu 06 — Sổ theo dõi hồ sơ (TT 01/2018 art 9–10): per receiving agency and period, on A4; the No. is the line
its receipt printed, and the book is numbered per year from 01."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dossiers import documents
from dossiers.models import DossierEvent, IssuedDocument, Status
from dossiers.models.core import ResultChannel
from tests.documents.conftest import at
from tests.documents.pdftools import PdfPage, page_size_mm, pdf_text
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(received, province, procedure_version, officers):
    """Four dossiers at the provincial centre in November 2026, one in December, one at another agency."""

    def dossier(code, name, received_at, *, agency=None, **fields):
        d = DossierFactory(
            procedure_version=procedure_version,
            receiving_agency=agency or province["centre"],
            competent_agency=province["justice"],
            applicant_name=name,
            applicant_address="Ấp Bình Hòa, xã Đức Hòa, tỉnh Long An",
            applicant_phone="0909123456",
        )
        d.code, d.lookup_secret, d.received_at = code, "k", at(received_at)
        d.due_at = d.received_at + timedelta(days=14)
        d.status = Status.PROCESSING
        for key, value in fields.items():
            setattr(d, key, value)
        d.save()
        return d

    returned_counter = dossier(
        "000.00.01.H41-261124-0001",
        "Võ Thị Hằng",
        "24/11/2026 08:10",
        status=Status.RETURNED,
        result_channel=ResultChannel.COUNTER,
        returned_at=at("02/12/2026 10:00"),
    )
    DossierEvent.objects.create(
        dossier=returned_counter,
        at=at("02/12/2026 10:00"),
        action="return_result",
        data={"channel": "counter", "received_by": "Võ Thị Hằng"},
    )
    returned_post = dossier(
        "000.00.01.H41-261125-0003",
        "Công ty TNHH Đức Hòa Xanh",
        "25/11/2026 14:20",
        status=Status.RETURNED,
        result_channel=ResultChannel.POSTAL,
        returned_at=at("09/12/2026 16:00"),
        return_tracking_number="EL123456789VN",
        was_late=True,
        apology_issued=True,
    )
    december = dossier("000.00.01.H41-261201-0001", "Đặng Minh Khoa", "01/12/2026 09:00")
    elsewhere = dossier("000.00.07.H41-261124-0001", "Lý Thành Nam", "24/11/2026 09:00", agency=province["finance"])
    # The first dossier got its receipt (line 1) when it was accepted; the others get their lines in the book.
    documents.issue(received, IssuedDocument.Kind.RECEIPT)
    return {"counter": returned_counter, "post": returned_post, "december": december, "elsewhere": elsewhere}


def test_tracking_book_lists_the_period_with_every_column(book, province, portal_url, artifacts):
    document = documents.issue_tracking_book(agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30))
    with document.file.open("rb") as handle:
        pdf = handle.read()
    text = pdf_text(pdf)
    expected = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỔ THEO DÕI HỒ SƠ",
        "Trung tâm Phục vụ hành chính công tỉnh Long An — từ ngày 01/11/2026 đến ngày 30/11/2026",
        # the columns
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Ngày trả kết quả",
        "Phương thức nhận kết quả",
        "Ký nhận",
        "Ghi chú",
        # the rows, in book order: the receipt's line 1 first
        "1 000.00.01.H41-261123-0007 Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam 01 Nguyễn Văn An",
        "2 000.00.01.H41-261124-0001",
        "Võ Thị Hằng",
        "Ấp Bình Hòa, xã Đức Hòa, tỉnh Long An; 0909123456",
        "08:10 24/11/2026",
        "10:00 02/12/2026",
        "Nhận tại bộ phận một cửa",
        "3 000.00.01.H41-261125-0003",
        "Công ty TNHH Đức Hòa Xanh",
        "Nhận qua bưu chính",
        "Số hiệu bưu gửi EL123456789VN",
        "Trễ hạn; Đã có phiếu xin lỗi",
        "Đã tiếp nhận",  # the first dossier is still being handled
        "Sở Tư pháp",
    ]
    missing = [field for field in expected if field not in text]
    assert not missing, f"missing on Mẫu 06: {missing}\n---\n{text}"
    assert "000.00.01.H41-261201-0001" not in text  # December
    assert "000.00.07.H41-261124-0001" not in text  # another agency's book
    assert page_size_mm(pdf) == (297, 210)  # A4 landscape
    assert document.dossier is None
    assert document.number == "000.00.01.H41 01/11/2026–30/11/2026"
    artifacts(PdfPage(pdf), "documents", "06-mau06-tracking-book")


def test_book_lines_continue_through_the_year_and_match_the_receipts(book, province, portal_url):
    documents.issue_tracking_book(agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30))
    december = documents.issue_tracking_book(agency=province["centre"], start=date(2026, 12, 1), end=date(2026, 12, 31))
    with december.file.open("rb") as handle:
        assert "4 000.00.01.H41-261201-0001" in pdf_text(handle.read())
    # The receipt of a dossier already in the book prints the same line.
    receipt = documents.issue(book["post"], IssuedDocument.Kind.RECEIPT)
    assert receipt.number == "03/TNHS"


def test_printing_the_same_book_again_is_the_same_document(book, province, portal_url):
    first = documents.issue_tracking_book(agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30))
    again = documents.issue_tracking_book(agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert again.pk == first.pk


def test_the_book_can_be_printed_from_any_queryset(book, province, portal_url):
    from dossiers.documents import service, tracking_book

    only_returned = tracking_book.dossiers_received(
        agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30)
    ).filter(status=Status.RETURNED)
    spec = tracking_book.build(
        agency=province["centre"], start=date(2026, 11, 1), end=date(2026, 11, 30), dossiers=only_returned
    )
    text = pdf_text(service.render_spec(spec))
    assert "000.00.01.H41-261124-0001" in text and "000.00.01.H41-261125-0003" in text
    assert "000.00.01.H41-261123-0007" not in text


def test_an_empty_period_says_so(province, portal_url):
    text = pdf_text(
        documents.issue_tracking_book(agency=province["centre"], start=date(2025, 1, 1), end=date(2025, 1, 31))
        .file.open("rb")
        .read()
    )
    assert "Không có hồ sơ tiếp nhận trong kỳ." in text
