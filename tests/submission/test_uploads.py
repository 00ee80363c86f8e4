"""Files are judged by their content, never by their name or the browser's word (issue 4 point 3).

Each refusal is one clear Vietnamese sentence naming the file; ``dossiers.uploads`` stores nothing, so "nothing
stored" is proven where files are stored (test_attachments.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dossiers import uploads
from portal.exceptions import ValidationProblems
from tests.submission.conftest import jpeg_bytes, pdf_bytes, png_bytes, upload

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def refused(data, name: str, **kwargs) -> str:
    with pytest.raises(ValidationProblems) as caught:
        uploads.inspect(upload(name, data, "application/pdf"), **kwargs)
    assert caught.value.problems, "a refusal always says why"
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("giay-chung-sinh.pdf", "renamed to .pdf"),
        ("anh-chup.jpg", "renamed to .jpg"),
        ("to-khai", "no extension at all"),
    ],
)
def test_a_renamed_executable_is_refused_whatever_its_name(name, why):
    message = refused(EXE, name)
    assert "chương trình máy tính" in message and name.split(".")[0] in message


def test_a_program_with_a_pdf_header_inside_is_still_a_program():
    assert "chương trình" in refused(EXE[:20] + b"%PDF-1.7\n" + pdf_bytes(), "polyglot.pdf")


def test_an_oversized_file_is_refused_before_it_is_read():
    big = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    message = refused(big, "ban-quet.pdf", max_size_mb=1)
    assert "vượt quá giới hạn 1 MB" in message


def test_a_corrupt_pdf_is_refused():
    good = pdf_bytes()
    assert "bị hỏng" in refused(good[: len(good) // 2], "hong.pdf")
    assert "bị hỏng" in refused(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "hong2.pdf")


def test_a_pdf_with_the_right_type_but_a_wrong_extension_is_refused_with_the_fix():
    message = refused(pdf_bytes(), "giay-chung-sinh.jpg")
    assert "nội dung là tệp PDF" in message and "“.jpg”" in message and "“.pdf”" in message


def test_a_password_protected_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    assert "mật khẩu" in refused(out.getvalue(), "khoa.pdf")


def test_a_pdf_that_runs_javascript_on_opening_is_refused():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")}
    )
    out = io.BytesIO()
    writer.write(out)
    assert "JavaScript" in refused(out.getvalue(), "script.pdf")


def test_a_type_the_component_does_not_take_is_refused_by_name():
    message = refused(png_bytes(), "so-do.png", allowed=("pdf",))
    assert "định dạng PNG không được nhận" in message and "Chỉ nhận: PDF" in message


def test_plain_text_and_empty_files_are_refused():
    assert "không phải là định dạng được nhận" in refused(b"Xin chao, day la van ban", "ghi-chu.pdf")
    assert "tệp rỗng" in refused(b"", "rong.pdf")


def test_a_good_pdf_is_kept_byte_for_byte():
    data = pdf_bytes(pages=2)
    clean = uploads.inspect(upload("Giấy chứng sinh.PDF", data))
    assert clean.kind == "pdf" and clean.content == data and clean.pages == 2
    assert clean.content_type == "application/pdf" and clean.name == "Giấy chứng sinh.PDF"


def test_a_phone_photo_is_turned_upright_and_loses_its_exif_and_gps():
    clean = uploads.inspect(upload("anh.jpeg", jpeg_bytes((400, 300), orientation=6, gps=True)))
    image = Image.open(io.BytesIO(clean.content))
    assert (image.width, image.height) == (300, 400)  # orientation 6: rotated 90°
    assert dict(image.getexif()) == {}
    assert clean.kind == "jpeg" and clean.content_type == "image/jpeg"


def test_a_png_is_reencoded_and_a_name_without_extension_gets_one():
    clean = uploads.inspect(upload("so-do", png_bytes()))
    assert clean.kind == "png" and clean.name == "so-do.png"
    assert Image.open(io.BytesIO(clean.content)).format == "PNG"


def test_a_broken_image_is_refused():
    assert "ảnh bị hỏng" in refused(jpeg_bytes()[:200], "anh.jpg")


def test_file_names_lose_folders_and_control_characters():
    assert uploads.safe_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert uploads.safe_name("C:\\Users\\An\\giay\x00to.pdf") == "giayto.pdf"


def test_several_files_report_every_refusal_at_once():
    with pytest.raises(ValidationProblems) as caught:
        uploads.inspect_all([upload("a.pdf", EXE), upload("b.pdf", pdf_bytes()), upload("c.jpg", pdf_bytes())])
    assert len(caught.value.problems) == 2
    assert "chưa tệp nào được lưu" in caught.value.message
