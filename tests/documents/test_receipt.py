"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (TT 01/2018 art 9; ND 61/2018 art 17; Long An 30/2019 art 14.2).

The slip is filled from the dossier, its accept event and its files; it carries a QR code of the lookup URL with the
dossier's secret (DESIGN §8); a reprint is the same document unless the data changed.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from dossiers import documents
from dossiers.documents import numbering, service
from dossiers.models import IssuedDocument, Status
from dossiers.models.core import Channel, ResultChannel
from tests.documents.conftest import at
from tests.documents.pdftools import PdfPage, decode_qr, first_page_png, fonts, page_size_mm, pdf_text
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

RECEIPT = IssuedDocument.Kind.RECEIPT


def stored_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_receipt_prints_every_field_of_mau01(received, portal_url, artifacts):
    document = documents.issue(received, RECEIPT)
    pdf = stored_bytes(document)
    text = pdf_text(pdf)
    expected = [
        # managing unit and desk, number, national motto, place and date
        "ỦY BAN NHÂN DÂN TỈNH LONG AN",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH LONG AN",
        "Số: 01/TNHS",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Long An, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.01.H41-261123-0007",
        "Bộ phận tiếp nhận và trả kết quả: Trung tâm Phục vụ hành chính công tỉnh Long An",
        # applicant: name, ID number, address, phone, e-mail, delegate
        "Tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Số định danh cá nhân/mã số doanh nghiệp: 080090001234",
        "Địa chỉ: Số 12 đường Hùng Vương, phường Tân An, tỉnh Long An",
        "Số điện thoại: 0912345678",
        "Thư điện tử: nguyenvanan@example.vn",
        "Người được ủy quyền nộp hồ sơ (nếu có):",
        # the request and the documents received
        "Nội dung yêu cầu giải quyết: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "1. Thành phần hồ sơ nộp gồm:",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp — bản chính: 1, bản sao: 0 (1 tệp)",
        "Bản chụp Căn cước công dân — bản chính: 0, bản sao: 1 (2 tệp)",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 10 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 23/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 15 phút, ngày 07/12/2026",
        "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả — Trung tâm Phục vụ hành chính công tỉnh "
        "Long An, Số 1 đường Song Hành, phường Tân An, tỉnh Long An",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 1",
        # signatures of the submitter and the receiving officer (from the accept event)
        "NGƯỜI NỘP HỒ SƠ",
        "(Nộp trực tuyến trên Cổng Dịch vụ công)",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Văn An",
        "Trần Thị Bình",
        # beside the QR code
        "Quét mã để tra cứu hồ sơ",
        "Hẹn trả: 09:15 07/12/2026",
    ]
    missing = [field for field in expected if field not in text]
    assert not missing, f"missing on Mẫu 01: {missing}\n---\n{text}"
    # The optional component that was not handed in is not listed as received.
    assert "Giấy tờ chứng minh đối tượng miễn phí" not in text
    assert page_size_mm(pdf) == (148, 210)  # A5
    assert "Liberation-Serif" in fonts(pdf)  # Times New Roman metrics
    assert document.number == "01/TNHS"
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    artifacts(PdfPage(pdf), "documents", "01-mau01-receipt")


def test_receipt_qr_code_opens_exactly_the_lookup_url(received, portal_url, tmp_path):
    pdf = stored_bytes(documents.issue(received, RECEIPT))
    png = first_page_png(pdf, tmp_path / "receipt.png")
    assert decode_qr(png) == [f"{portal_url}/tra-cuu/000.00.01.H41-261123-0007/?k=Qx7pL2mZ9rT4wV1k"]


def test_reprint_with_unchanged_data_is_the_same_document(received, portal_url, officers):
    first = documents.issue(received, RECEIPT, by=officers["receiver"])
    again = documents.issue(received, RECEIPT, by=officers["receiver"])
    assert again.pk == first.pk
    assert IssuedDocument.objects.filter(dossier=received, kind=RECEIPT).count() == 1
    assert documents.ensure(received, RECEIPT).pk == first.pk


def test_changed_data_gives_a_new_document_with_the_same_number(received, portal_url):
    first = documents.issue(received, RECEIPT)
    received.due_at = at("08/12/2026 09:15")  # e.g. a calendar change moved the appointment
    received.save()
    second = documents.issue(received, RECEIPT)
    assert second.pk != first.pk
    assert second.number == first.number == "01/TNHS"
    assert "09 giờ 15 phút, ngày 08/12/2026" in pdf_text(stored_bytes(second))
    assert documents.ensure(received, RECEIPT).pk == second.pk  # the latest one


def test_ensure_issues_a_missing_receipt_and_restores_a_lost_file(received, portal_url):
    document = documents.ensure(received, RECEIPT)  # nothing stored yet: issued now
    content = stored_bytes(document)
    document.file.storage.delete(document.file.name)
    restored = documents.ensure(received, RECEIPT)
    assert restored.pk == document.pk
    assert stored_bytes(restored) == content


def test_receipt_numbers_run_per_receiving_agency_and_year(received, portal_url, province, procedure_version):
    def another(agency, received_at, code):
        d = DossierFactory(procedure_version=procedure_version, receiving_agency=agency)
        d.status, d.code, d.lookup_secret = Status.RECEIVED, code, "s3cr3t"
        d.received_at, d.due_at = received_at, received_at + timedelta(days=14)
        d.save()
        return d

    same_agency = another(province["centre"], at("23/11/2026 10:00"), "000.00.01.H41-261123-0008")
    other_agency = another(province["finance"], at("23/11/2026 10:05"), "000.00.07.H41-261123-0001")
    next_year = another(province["centre"], at("04/01/2027 08:00"), "000.00.01.H41-270104-0001")

    assert documents.issue(received, RECEIPT).number == "01/TNHS"
    assert documents.issue(same_agency, RECEIPT).number == "02/TNHS"
    assert documents.issue(other_agency, RECEIPT).number == "01/TNHS"
    assert documents.issue(next_year, RECEIPT).number == "01/TNHS"
    assert "Quyển số: 2027, Số thứ tự: 1" in pdf_text(service.render_document(next_year, RECEIPT))
    # Printing again never takes a new number.
    assert documents.issue(same_agency, RECEIPT).number == "02/TNHS"
    assert numbering.existing(series=numbering.Series.RECEIPT, subject=f"dossier:{same_agency.pk}").seq == 2


def test_counter_intake_of_a_paper_dossier(received, portal_url):
    """A walk-in dossier not yet scanned lists the components the procedure asks for; postal return is printed."""
    received.attachments.update(removed_at=received.received_at)
    received.channel = Channel.IN_PERSON
    received.result_channel = ResultChannel.POSTAL
    received.save()
    text = pdf_text(service.render_document(received, RECEIPT, sets=2, delegate="Nguyễn Thị Hoa, theo giấy ủy quyền"))
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp — bản chính: 1, bản sao: 0" in text
    assert "Bản chụp Căn cước công dân — bản chính: 0, bản sao: 1" in text
    assert "Giấy tờ chứng minh đối tượng miễn phí" not in text  # optional, and nothing was handed in
    assert "2. Số lượng hồ sơ: 02 (bộ)" in text
    assert "Người được ủy quyền nộp hồ sơ (nếu có): Nguyễn Thị Hoa, theo giấy ủy quyền" in text
    assert "Qua dịch vụ bưu chính công ích, tại địa chỉ: Số 12 đường Hùng Vương" in text
    assert "(Ký và ghi rõ họ tên)" in text


def test_no_receipt_before_the_dossier_is_received(received, portal_url):
    received.status, received.code, received.received_at = Status.SUBMITTED, None, None
    received.save()
    with pytest.raises(documents.DocumentNotAvailable, match="Hồ sơ chưa được tiếp nhận"):
        documents.issue(received, RECEIPT)
    assert not IssuedDocument.objects.filter(dossier=received).exists()
