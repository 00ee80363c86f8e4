"""Demo FAQ entries (câu hỏi thường gặp) for seed_demo: general ones and some per procedure. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from feedback.models import FAQ
from procedures.models import Procedure

GENERAL = [
    (
        "Tôi có phải đến bộ phận một cửa sau khi nộp hồ sơ trực tuyến không?",
        "Với thủ tục mức độ 4, bạn nhận kết quả trực tuyến hoặc qua bưu điện, không phải đến. Với mức độ 3, bạn mang "
        "bản chính giấy tờ để đối chiếu khi nhận kết quả, trừ khi hồ sơ đã được ký số.",
    ),
    (
        "Hồ sơ nộp ngoài giờ hành chính được tính từ khi nào?",
        "Hồ sơ nộp sau 17 giờ, vào thứ Bảy, Chủ nhật hoặc ngày nghỉ lễ được tính là tiếp nhận vào đầu giờ làm việc "
        "của ngày làm việc tiếp theo. Cổng báo cho bạn thời điểm này ngay khi nộp.",
    ),
    (
        "Tôi quên mã hồ sơ thì tra cứu thế nào?",
        "Đăng nhập và mở mục Hồ sơ của tôi: mọi hồ sơ bạn đã nộp đều ở đó. Mã hồ sơ cũng in trên giấy tiếp nhận và "
        "trong thư điện tử, tin nhắn Cổng đã gửi.",
    ),
    (
        "Làm sao để nâng tài khoản lên mức 2?",
        "Mang thẻ căn cước đến bộ phận một cửa bất kỳ trong tỉnh; cán bộ đối chiếu và nâng mức tài khoản ngay.",
    ),
]

PER_PROCEDURE = {
    "1.001193": [
        (
            "Quá 60 ngày mới đi đăng ký khai sinh có bị phạt không?",
            "Bạn vẫn đăng ký được; việc đăng ký quá hạn có thể bị nhắc nhở hoặc xử phạt hành chính theo quy định. "
            "Lệ phí chỉ được miễn khi đăng ký đúng hạn.",
        ),
        (
            "Không có Giấy chứng sinh thì làm thế nào?",
            "Nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm chứng thì nộp giấy cam đoan "
            "về việc sinh.",
        ),
    ],
    "2.000488": [
        (
            "Phiếu lý lịch tư pháp số 1 và số 2 khác nhau thế nào?",
            "Phiếu số 1 cấp cho cá nhân, cơ quan, tổ chức; chỉ ghi án tích chưa được xóa. Phiếu số 2 chỉ cấp cho chính "
            "người được cấp hoặc cơ quan tiến hành tố tụng, ghi đầy đủ án tích kể cả đã được xóa.",
        ),
    ],
    "2.000720": [
        (
            "Hộ kinh doanh có phải có con dấu không?",
            "Không bắt buộc. Hộ kinh doanh không có tư cách pháp nhân và không phải khắc dấu.",
        ),
        (
            "Một người được đăng ký bao nhiêu hộ kinh doanh?",
            "Mỗi cá nhân, thành viên hộ gia đình chỉ được đăng ký một hộ kinh doanh trên phạm vi toàn quốc.",
        ),
    ],
    "1.009994": [
        (
            "Nhà ở nông thôn có phải xin giấy phép xây dựng không?",
            "Nhà ở riêng lẻ ở nông thôn không thuộc khu vực có quy hoạch đô thị, quy hoạch chi tiết xây dựng được miễn "
            "giấy phép xây dựng, trừ công trình trong khu bảo tồn, di tích.",
        ),
    ],
}


def seed_faq(log: Callable[[str], None]) -> None:
    count = 0
    for order, (question, answer) in enumerate(GENERAL):
        FAQ.objects.update_or_create(
            procedure=None, question=question, defaults={"answer": answer, "sort_order": order, "is_published": True}
        )
        count += 1
    for code, entries in PER_PROCEDURE.items():
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            continue
        for order, (question, answer) in enumerate(entries):
            FAQ.objects.update_or_create(
                procedure=procedure,
                question=question,
                defaults={"answer": answer, "sort_order": order, "is_published": True},
            )
            count += 1
    log(f"Câu hỏi thường gặp: {count} mục.")
