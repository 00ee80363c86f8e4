"""The partner API (issue 4 point 8): a key per partner system, push a dossier with its files through the same checks
and workflow as the browser, idempotent by the partner's reference; status with the national codes (DESIGN §8)."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers.models import Attachment, Dossier, Status
from portal.models import PartnerSystem, User
from tests.submission.conftest import pdf_bytes, vn
from tests.submission.test_uploads import EXE

pytestmark = pytest.mark.django_db

PUSH = "/api/v1/partner/dossiers/"


def partner(code: str = "dvcqg", scopes=None, agency=None) -> tuple[PartnerSystem, str]:
    system = PartnerSystem(
        code=code,
        name="Cổng Dịch vụ công quốc gia" if code == "dvcqg" else f"Hệ thống {code}",
        scopes=scopes if scopes is not None else [PartnerSystem.Scope.PUSH_DOSSIERS, PartnerSystem.Scope.READ_STATUS],
        agency=agency,
    )
    key = system.issue_key()
    system.save()
    return system, key


def api(key: str | None = None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_X_API_KEY=key)
    return client


def payload(world, reference: str = "DVCQG-2026-000123", **overrides) -> dict:
    answers = world.answers()
    body = {
        "partner_reference": reference,
        "procedure_code": world.version.procedure.code,
        "applicant": {
            "full_name": "Lê Thị Hoa",
            "citizen_id": "080195007777",
            "phone": "0977123456",
            "email": "lethihoa@example.vn",
            "address": "5 Hùng Vương, Tân An",
        },
        "form_data": {**answers, "ho_ten": "Lê Thị Hoa", "so_dinh_danh": "080195007777", "dien_thoai": "0977123456"},
        "files": [
            {
                "component_id": world.birth_component.pk,
                "name": "giay-chung-sinh.pdf",
                "content_base64": base64.b64encode(pdf_bytes()).decode(),
            }
        ],
    }
    body.update(overrides)
    return body


def test_no_key_or_a_wrong_key_is_refused(world):
    assert api().post(PUSH, payload(world), format="json").status_code == 401
    _system, key = partner()
    wrong = key[:-4] + "xxxx"
    response = api(wrong).post(PUSH, payload(world), format="json")
    assert response.status_code == 401 and response.json()["detail"] == "Khoá API không hợp lệ."
    assert not Dossier.objects.exists()


def test_a_push_creates_submits_and_answers_with_the_national_status(world, at):
    system, key = partner()
    with at(vn(2026, 3, 13, 17, 30)):
        response = api(key).post(PUSH, payload(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == Status.SUBMITTED and body["national_status"] == 1
    assert body["national_status_label"] == "Mới đăng ký"
    assert body["receipt_moment"].startswith("2026-03-16T07:30")
    dossier = Dossier.objects.get(pk=body["id"])
    assert dossier.partner == system and dossier.partner_reference == "DVCQG-2026-000123"
    assert dossier.applicant.citizen_id == "080195007777" and not dossier.applicant.has_usable_password()
    assert Attachment.objects.get(dossier=dossier).original_name == "giay-chung-sinh.pdf"
    submit = dossier.events.get(action="submit")
    assert submit.actor_label == "Cổng Dịch vụ công quốc gia"


def test_pushing_the_same_reference_again_returns_the_same_dossier(world):
    _system, key = partner()
    first = api(key).post(PUSH, payload(world), format="json")
    again = api(key).post(PUSH, payload(world), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Dossier.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_push_for_an_existing_account_uses_it(world):
    _system, key = partner()
    body = payload(world)
    body["applicant"]["citizen_id"] = world.citizen.citizen_id
    response = api(key).post(PUSH, body, format="json")
    assert response.status_code == 201
    assert Dossier.objects.get().applicant == world.citizen


def test_a_bad_push_reports_every_problem_and_keeps_nothing(world, media_files):
    _system, key = partner()
    users_before = User.objects.count()
    body = payload(
        world,
        form_data={**world.answers(), "so_dinh_danh": "12"},
        files=[
            {
                "component_id": world.birth_component.pk,
                "name": "chung-sinh.pdf",
                "content_base64": base64.b64encode(EXE).decode(),
            },
            {
                "component_id": world.other_component.pk,
                "name": "ok.pdf",
                "content_base64": base64.b64encode(pdf_bytes()).decode(),
            },
            {"component_id": 999999, "name": "x.pdf", "content_base64": "bm90IGEgcGRm"},
        ],
    )
    body["applicant"]["citizen_id"] = "abc"
    response = api(key).post(PUSH, body, format="json")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any("chương trình máy tính" in p for p in problems)
    assert any("Số định danh cá nhân" in p and "Tờ khai" in p for p in problems)
    assert any("999999" in p for p in problems)
    assert any(p.startswith("Người nộp:") for p in problems)
    assert not Dossier.objects.exists() and User.objects.count() == users_before and media_files() == []


def test_a_push_failing_the_technical_check_keeps_nothing(world, media_files):
    """Required component missing: found only by the technical check inside the transaction, all rolled back."""
    _system, key = partner()
    users_before = User.objects.count()
    response = api(key).post(
        PUSH,
        payload(
            world,
            files=[
                {
                    "component_id": world.other_component.pk,
                    "name": "khac.pdf",
                    "content_base64": base64.b64encode(pdf_bytes()).decode(),
                }
            ],
        ),
        format="json",
    )
    assert response.status_code == 400
    assert any("Giấy chứng sinh" in p for p in response.json()["problems"])
    assert not Dossier.objects.exists() and not Attachment.objects.exists()
    assert User.objects.count() == users_before and media_files() == []


def test_a_key_without_the_push_scope_cannot_push(world):
    _system, key = partner(scopes=[PartnerSystem.Scope.READ_STATUS])
    assert api(key).post(PUSH, payload(world), format="json").status_code == 403


def test_a_partner_limited_to_an_agency_cannot_push_elsewhere(world):
    _system, key = partner(agency=world.justice)
    response = api(key).post(PUSH, payload(world), format="json")
    assert response.status_code == 403 and not Dossier.objects.exists()


def test_status_by_reference_is_for_the_pushing_partner_only(world):
    _system, key = partner()
    created = api(key).post(PUSH, payload(world), format="json").json()
    mine = api(key).get(f"{PUSH}DVCQG-2026-000123/")
    assert mine.status_code == 200 and mine.json()["id"] == created["id"]
    _other, other_key = partner(code="buudien")
    assert api(other_key).get(f"{PUSH}DVCQG-2026-000123/").status_code == 404
    assert api(key).get(f"{PUSH}KHONG-CO/").status_code == 404


def test_status_by_code_follows_the_lifecycle_with_national_codes(world, at):
    from dossiers import workflow

    _system, key = partner()
    created = api(key).post(PUSH, payload(world), format="json").json()
    dossier = Dossier.objects.get(pk=created["id"])
    with at(vn(2026, 3, 16, 9)):
        workflow.accept(dossier, by=world.receiver)
    dossier.refresh_from_db()
    response = api(key).get(f"/api/v1/partner/status/{dossier.code}/")
    assert response.status_code == 200
    assert response.json()["national_status"] == 2 and response.json()["code"] == dossier.code
    status_only, status_key = partner(code="dongbo", scopes=[PartnerSystem.Scope.READ_STATUS], agency=world.justice)
    assert api(status_key).get(f"/api/v1/partner/status/{dossier.code}/").status_code == 404  # outside its agency
    assert status_only.agency == world.justice


def test_the_partner_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/partner/dossiers/" in schema and "partnerApiKey" in schema and "X-API-Key" in schema
