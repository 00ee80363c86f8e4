"""Mẫu 02–05 and the stop notice (TT 01/2018 art 9; ND 61/2018 arts 15.3, 17, 19.4, 19.8, 19.9; TT 03/2025 form 05),
each filled only from the dossier and the rows the desk and the departments recorded."""

from __future__ import annotations

import pytest

from dossiers import documents
from dossiers.documents import service
from dossiers.models import ApologySlip, DossierEvent, Handover, IssuedDocument, Status, SupplementRequest
from tests.documents.conftest import at
from tests.documents.pdftools import PdfPage, page_size_mm, pdf_text

pytestmark = pytest.mark.django_db

Kind = IssuedDocument.Kind


def stored_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def assert_fields(text: str, expected: list[str], form: str) -> None:
    missing = [field for field in expected if field not in text]
    assert not missing, f"missing on {form}: {missing}\n---\n{text}"


MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@pytest.fixture
def at_intake(received, officers):
    """The desk found the online dossier incomplete on Mon 23/11/2026 08:40 — before receiving it."""
    received.status, received.code, received.received_at, received.due_at = Status.INTAKE_SUPPLEMENT, None, None, None
    received.save()
    return SupplementRequest.objects.create(
        dossier=received,
        stage=SupplementRequest.Stage.INTAKE,
        items=[
            {"item": "Bản chụp Căn cước công dân mặt sau", "reason": "Ảnh mặt sau bị mờ, không đọc được số định danh"},
            {"item": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "reason": "Chưa kê khai nơi cư trú từ năm 2005"},
        ],
        requested_at=at("23/11/2026 08:40"),
        requested_by=officers["receiver"],
    )


def test_mau02_at_intake_lists_every_item_with_its_reason(received, at_intake, portal_url, artifacts):
    document = documents.issue(received, Kind.SUPPLEMENT_REQUEST)
    pdf = stored_bytes(document)
    text = pdf_text(pdf)
    assert_fields(
        text,
        [
            *MOTTO,
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH LONG AN",
            "Số: 01/PBS-TTPVHCC",
            "Long An, ngày 23 tháng 11 năm 2026",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "Khi tiếp nhận",
            "Hồ sơ của: Nguyễn Văn An",
            "Nội dung yêu cầu giải quyết: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Địa chỉ: Số 12 đường Hùng Vương, phường Tân An, tỉnh Long An",
            "Số điện thoại: 0912345678",
            "Thư điện tử: nguyenvanan@example.vn",
            "bổ sung, hoàn thiện hồ sơ một lần đầy đủ",
            "1 Bản chụp Căn cước công dân mặt sau Ảnh mặt sau bị mờ, không đọc được số định danh",
            "2 Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp Chưa kê khai nơi cư trú từ năm 2005",
            "liên hệ Trần Thị Bình, số điện thoại 0987654321",
            "NGƯỜI HƯỚNG DẪN",
            "Trần Thị Bình",
        ],
        "Mẫu 02",
    )
    assert "Mã hồ sơ" not in text  # not received: no code yet
    assert page_size_mm(pdf) == (148, 210)
    assert document.number == "01/PBS-TTPVHCC"
    artifacts(PdfPage(pdf), "documents", "02-mau02-supplement-request")


def test_mau02_during_appraisal_comes_from_the_department_with_its_own_number(
    received, at_intake, portal_url, officers, province
):
    first = documents.issue(received, Kind.SUPPLEMENT_REQUEST)
    received.status = Status.AWAITING_SUPPLEMENT
    received.code, received.received_at = "000.00.01.H41-261124-0002", at("24/11/2026 08:00")
    received.save()
    appraisal = SupplementRequest.objects.create(
        dossier=received,
        stage=SupplementRequest.Stage.APPRAISAL,
        items=[{"item": "Giấy xác nhận cư trú tại xã Đức Hòa", "reason": "Cần xác minh thời gian cư trú 1990–2012"}],
        requested_at=at("25/11/2026 14:00"),
        requested_by=officers["specialist"],
    )
    second = documents.issue(received, Kind.SUPPLEMENT_REQUEST)
    text = pdf_text(stored_bytes(second))
    assert "SỞ TƯ PHÁP" in text and "PHÒNG HÀNH CHÍNH TƯ PHÁP" in text
    assert "Mã hồ sơ: 000.00.01.H41-261124-0002 — Trong quá trình thẩm định" in text
    assert "liên hệ Lê Văn Cường, số điện thoại 0911222333" in text
    assert second.number == "01/PBS-PHCTP"
    # Each request keeps its own slip; asking for the first one again gives it back.
    assert documents.ensure(received, Kind.SUPPLEMENT_REQUEST, supplement_request=at_intake).pk == first.pk
    assert documents.ensure(received, Kind.SUPPLEMENT_REQUEST).pk == second.pk
    assert documents.issue(received, Kind.SUPPLEMENT_REQUEST, supplement_request=appraisal).pk == second.pk


def test_mau03_refusal_prints_the_specific_reasons(received, portal_url, officers, artifacts):
    received.status, received.code, received.received_at, received.due_at = Status.REFUSED, None, None, None
    received.refused_at = at("23/11/2026 10:20")
    received.save()
    DossierEvent.objects.create(
        dossier=received,
        at=at("23/11/2026 10:20"),
        actor=officers["receiver"],
        action="refuse",
        from_status=Status.SUBMITTED,
        to_status=Status.REFUSED,
        note="Yêu cầu không thuộc thẩm quyền giải quyết của tỉnh Long An\n"
        "Người yêu cầu đã được cấp Phiếu lý lịch tư pháp số 125/LLTP ngày 10/11/2026 còn hiệu lực",
    )
    document = documents.issue(received, Kind.REFUSAL)
    pdf = stored_bytes(document)
    assert_fields(
        pdf_text(pdf),
        [
            *MOTTO,
            "Số: 01/PTC-TTPVHCC",
            "Long An, ngày 23 tháng 11 năm 2026",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "Bộ phận tiếp nhận và trả kết quả Trung tâm Phục vụ hành chính công tỉnh Long An",
            "Tiếp nhận hồ sơ của: Nguyễn Văn An",
            "Số định danh cá nhân/mã số doanh nghiệp: 080090001234",
            "Địa chỉ: Số 12 đường Hùng Vương, phường Tân An, tỉnh Long An",
            "Số điện thoại: 0912345678",
            "Thư điện tử: nguyenvanan@example.vn",
            "Mã hồ sơ (nếu có): ……………",
            "Nội dung yêu cầu giải quyết: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Hồ sơ nộp lúc 20 giờ 40 phút, ngày 21/11/2026",
            "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
            "1. Yêu cầu không thuộc thẩm quyền giải quyết của tỉnh Long An",
            "2. Người yêu cầu đã được cấp Phiếu lý lịch tư pháp số 125/LLTP ngày 10/11/2026 còn hiệu lực",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Trần Thị Bình",
        ],
        "Mẫu 03",
    )
    assert document.number == "01/PTC-TTPVHCC"
    artifacts(PdfPage(pdf), "documents", "03-mau03-refusal")


def test_mau03_needs_reasons(received, portal_url):
    received.status, received.refused_at = Status.REFUSED, at("23/11/2026 10:20")
    received.save()
    with pytest.raises(documents.DocumentNotAvailable, match="Chưa có lý do cụ thể"):
        documents.issue(received, Kind.REFUSAL)


def test_mau04_apology_with_the_new_appointment(received, portal_url, officers, artifacts):
    received.status, received.apology_issued = Status.PROCESSING, True
    received.save()
    ApologySlip.objects.create(
        dossier=received,
        reason="Cơ quan Công an chưa có kết quả xác minh nhân thân theo yêu cầu của Sở Tư pháp",
        original_due_at=at("07/12/2026 09:15"),
        new_due_at=at("14/12/2026 09:15"),
        issued_at=at("03/12/2026 15:30"),
        signed_by=officers["leader"],
    )
    document = documents.issue(received, Kind.APOLOGY)
    pdf = stored_bytes(document)
    assert_fields(
        pdf_text(pdf),
        [
            *MOTTO,
            "ỦY BAN NHÂN DÂN TỈNH LONG AN",
            "SỞ TƯ PHÁP",
            "Số: 01/PXL-STP",
            "Long An, ngày 03 tháng 12 năm 2026",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Kính gửi: Nguyễn Văn An",
            "Ngày 23/11/2026, Sở Tư pháp tiếp nhận giải quyết hồ sơ của ông/bà",
            "Thủ tục: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Số định danh cá nhân/mã số doanh nghiệp: 080090001234",
            "Mã hồ sơ: 000.00.01.H41-261123-0007",
            "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 15 phút, ngày 07/12/2026",
            "chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hạn",
            "Lý do: Cơ quan Công an chưa có kết quả xác minh nhân thân theo yêu cầu của Sở Tư pháp",
            "Sở Tư pháp xin lỗi ông/bà",
            "09 giờ 15 phút, ngày 14/12/2026",
            "THỦ TRƯỞNG CƠ QUAN",
            "Giám đốc Sở",
            "Phạm Quốc Dũng",
        ],
        "Mẫu 04",
    )
    artifacts(PdfPage(pdf), "documents", "04-mau04-apology")


def test_mau05_one_row_per_handover_marked_early_on_time_or_late(received, portal_url, officers, province, artifacts):
    centre, division, justice = province["centre"], province["division"], province["justice"]
    police = province["police"]
    # fmt: off
    rows = [
        # (from, to, from user, to user, handed, due, completed, result recorded, lead, note)
        (centre, division, officers["receiver"], officers["specialist"], "23/11/2026 09:30", "23/11/2026 17:00",
         "23/11/2026 09:30", Handover.StepResult.ON_TIME, False, "Chuyển hồ sơ điện tử"),
        (division, police, officers["specialist"], None, "24/11/2026 10:00", "30/11/2026 10:00",
         "27/11/2026 16:00", "", False, "Liên thông xác minh nhân thân"),
        (police, division, None, officers["specialist"], "27/11/2026 16:00", "02/12/2026 16:00",
         "03/12/2026 11:00", "", False, ""),
        (division, justice, officers["specialist"], officers["leader"], "03/12/2026 11:00", "04/12/2026 11:00",
         None, "", False, "Trình ký"),
    ]
    # fmt: on
    for seq, (fa, ta, fu, tu, handed, due, done, result, lead, note) in enumerate(rows, start=1):
        Handover.objects.create(
            dossier=received,
            seq=seq,
            step_name=f"Bước {seq}",
            from_agency=fa,
            to_agency=ta,
            from_user=fu,
            to_user=tu,
            handed_at=at(handed),
            step_due_at=at(due),
            completed_at=at(done) if done else None,
            result=result,
            is_lead=lead,
            note=note,
        )
    document = documents.issue(received, Kind.CONTROL_SHEET)
    pdf = stored_bytes(document)
    text = pdf_text(pdf)
    assert_fields(
        text,
        [
            *MOTTO,
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "Mã hồ sơ: 000.00.01.H41-261123-0007",
            "Cơ quan, đơn vị chủ trì giải quyết: Sở Tư pháp",
            "Cơ quan, đơn vị phối hợp giải quyết: Công an tỉnh Long An",
            "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 23/11/2026",
            "Thời gian hẹn trả kết quả: 09 giờ 15 phút, ngày 07/12/2026",
            "Trung tâm Phục vụ hành chính công tỉnh Long An — Trần Thị Bình",
            "Phòng Hành chính tư pháp — Lê Văn Cường",
            "09:30 23/11/2026",
            "Đúng hạn",  # recorded by the workflow
            "Trước hạn",  # 27/11 before the step's due date 30/11
            "Trễ hạn",  # 03/12 after 02/12
            "Đang thực hiện",  # the leader has not finished
            "Liên thông xác minh nhân thân",
            "Kết quả giải quyết (trước hạn/đúng hạn/trễ hạn)",
        ],
        "Mẫu 05",
    )
    assert page_size_mm(pdf) == (210, 148)  # A5 landscape
    artifacts(PdfPage(pdf), "documents", "05-mau05-control-sheet")


def test_stop_notice_gives_the_reason_and_the_moment(received, portal_url, officers, artifacts):
    received.status, received.stopped_at = Status.STOPPED, at("10/12/2026 14:00")
    received.save()
    DossierEvent.objects.create(
        dossier=received,
        at=at("10/12/2026 14:00"),
        actor=officers["leader"],
        action="stop",
        from_status=Status.AWAITING_SUPPLEMENT,
        to_status=Status.STOPPED,
        note="Quá thời hạn bổ sung hồ sơ mà người yêu cầu không bổ sung giấy xác nhận cư trú",
    )
    document = documents.issue(received, Kind.STOP_NOTICE)
    pdf = stored_bytes(document)
    assert_fields(
        pdf_text(pdf),
        [
            *MOTTO,
            "SỞ TƯ PHÁP",
            "Số: 01/TB-STP",
            "Long An, ngày 10 tháng 12 năm 2026",
            "THÔNG BÁO",
            "Về việc dừng giải quyết hồ sơ thủ tục hành chính",
            "Kính gửi: Nguyễn Văn An",
            "Số định danh cá nhân/mã số doanh nghiệp: 080090001234",
            "Ngày 23/11/2026, Sở Tư pháp tiếp nhận giải quyết hồ sơ của ông/bà",
            "Mã hồ sơ: 000.00.01.H41-261123-0007",
            "Thời gian hẹn trả kết quả: 09 giờ 15 phút, ngày 07/12/2026",
            "Sở Tư pháp thông báo dừng giải quyết hồ sơ nêu trên kể từ 14 giờ 00 phút, ngày 10/12/2026",
            "Lý do: Quá thời hạn bổ sung hồ sơ mà người yêu cầu không bổ sung giấy xác nhận cư trú",
            "(điện thoại 0272 3838 999)",
            "Giám đốc Sở",
            "Phạm Quốc Dũng",
        ],
        "thông báo dừng",
    )
    artifacts(PdfPage(pdf), "documents", "07-stop-notice")


def test_application_pdf_prints_the_answers_and_fingerprints_of_the_files(received, portal_url, artifacts):
    document = documents.issue(received, Kind.APPLICATION)
    pdf = stored_bytes(document)
    text = pdf_text(pdf)
    files = {a.original_name: a.sha256 for a in received.attachments.all()}
    assert_fields(
        text,
        [
            *MOTTO,
            "ĐƠN ĐỀ NGHỊ",
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Mã thủ tục 2.000488.000.00.00.H41",
            "Kính gửi: Sở Tư pháp",
            "Người đề nghị: Nguyễn Văn An",
            "Họ và tên Nguyễn Văn An",
            "Ngày sinh 17/05/1990",
            "Mục đích sử dụng phiếu Xin việc làm",  # the choice's label, not its value
            "Đã từng bị kết án Không",
            "Từ năm: 1990 Nơi cư trú: Xã Đức Hòa, tỉnh Long An",
            "Từ năm: 2012 Nơi cư trú: Phường Tân An, tỉnh Long An",
            "ghi_chu_them Cần gấp để nộp hồ sơ xin việc",  # an answer the schema does not know is kept
            "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (bắt buộc)",
            "Giấy tờ chứng minh đối tượng miễn phí — chưa đính kèm",
            *[f"SHA-256: {digest}" for digest in files.values()],
            "Tôi xin cam đoan",
            "NGƯỜI ĐỀ NGHỊ",
            "(Ký số)",
        ],
        "đơn đề nghị",
    )
    assert page_size_mm(pdf) == (210, 297)  # A4
    artifacts(PdfPage(pdf), "documents", "08-application")


def test_documents_are_rendered_in_vietnamese_whatever_the_reader_language(received, portal_url):
    from django.utils import translation

    with translation.override("en"):
        pdf = service.render_document(received, Kind.RECEIPT)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(pdf)
    assert pdf == service.render_document(received, Kind.RECEIPT)  # same bytes: the reprint rule holds
