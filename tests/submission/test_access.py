"""A citizen sees and changes only their own dossiers and documents: every URL for another citizen's dossier, file,
issued document or stored document answers 404 — not 403, which would confirm that it exists (issue 4 point 8).
The partner API's equivalent (another partner's dossier) is in test_partner_api.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers import workflow
from dossiers.models import Attachment, Dossier, IssuedDocument, Status, StoredDocument
from dossiers.services import attachments, store, submission
from tests.submission.conftest import pdf_bytes, upload, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(world, at, settings, tmp_path):
    """Trần Thị Bình's dossier (accepted, with a receipt and a supplement request issued), file and stored document."""
    from dossiers import documents

    with at(vn(2026, 3, 12, 8)):
        dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.other)
        submission.dossier_save_answers(
            dossier=dossier, by=world.other, form_data=world.answers(so_dinh_danh="080190004321")
        )
        (attachment,) = attachments.attachments_add(
            dossier=dossier,
            component=world.birth_component,
            files=[upload("cua-binh.pdf", pdf_bytes())],
            by=world.other,
        )
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.other)
        workflow.request_supplement(dossier, by=world.receiver, items=[{"item": "Bản rõ", "reason": "Mờ"}])
    dossier.refresh_from_db()
    issued = documents.issue(dossier, IssuedDocument.Kind.SUPPLEMENT_REQUEST)
    document = store.stored_document_add(
        owner=world.other,
        data=store.StoredDocumentData(kind=world.birth_kind, number="CS-BINH"),
        file=upload("kho-binh.pdf", pdf_bytes(2)),
    )
    return {"dossier": dossier, "attachment": attachment, "issued": issued, "stored": document}


def urls(world, theirs) -> list[tuple[str, str]]:
    d = theirs["dossier"]
    c = world.birth_component.pk
    a = theirs["attachment"].pk
    return [
        ("GET", reverse("dossiers:detail", args=[d.pk])),
        ("GET", reverse("dossiers:form", args=[d.pk])),
        ("POST", reverse("dossiers:form", args=[d.pk])),
        ("POST", reverse("dossiers:autosave", args=[d.pk])),
        ("GET", reverse("dossiers:files", args=[d.pk])),
        ("POST", reverse("dossiers:upload", args=[d.pk, c])),
        ("POST", reverse("dossiers:reuse", args=[d.pk, c])),
        ("GET", reverse("dossiers:attachment", args=[d.pk, a])),
        ("POST", reverse("dossiers:remove", args=[d.pk, a])),
        ("GET", reverse("dossiers:review", args=[d.pk])),
        ("POST", reverse("dossiers:review", args=[d.pk])),
        ("GET", reverse("dossiers:application_pdf", args=[d.pk])),
        ("POST", reverse("dossiers:signed_upload", args=[d.pk])),
        ("POST", reverse("dossiers:sign_at_pickup", args=[d.pk])),
        ("POST", reverse("dossiers:supplement", args=[d.pk])),
        ("GET", reverse("dossiers:withdraw", args=[d.pk])),
        ("POST", reverse("dossiers:withdraw", args=[d.pk])),
        ("GET", reverse("dossiers:receipt", args=[d.pk])),
        ("GET", reverse("dossiers:document", args=[d.pk, theirs["issued"].pk])),
        ("GET", reverse("dossiers:store_file", args=[theirs["stored"].pk])),
        ("POST", reverse("dossiers:store_delete", args=[theirs["stored"].pk])),
    ]


URL_COUNT = 21


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_another_citizens_dossier_and_files_answer_404(client, world, theirs, index):
    method, url = urls(world, theirs)[index]
    client.force_login(world.citizen)
    data = {
        "reason": "rút",
        "note": "x",
        "document": theirs["stored"].pk,
        "result_channel": "counter",
        "files": [upload("x.pdf", pdf_bytes(5))],
    }
    response = client.post(url, data) if method == "POST" else client.get(url)
    assert response.status_code == 404, f"{method} {url}"
    # …and nothing changed.
    dossier = Dossier.objects.get(pk=theirs["dossier"].pk)
    assert dossier.status == Status.INTAKE_SUPPLEMENT
    assert Attachment.objects.filter(dossier=dossier).count() == 1
    assert Attachment.objects.get(pk=theirs["attachment"].pk).removed_at is None
    assert StoredDocument.objects.filter(pk=theirs["stored"].pk).exists()


def test_every_citizen_url_is_covered(world, theirs):
    """The list above exercises every route of urls_citizen that takes a dossier, file or document id."""
    from django.urls import resolve

    from dossiers.views import urls_citizen

    with_ids = {
        p.name
        for p in urls_citizen.urlpatterns
        if any(k in str(p.pattern) for k in ("<int:pk>", "<int:document_id>", "<int:attachment_id>"))
        and not p.name.startswith("store_verify")
    }
    covered = {resolve(url).url_name for _method, url in urls(world, theirs)}
    assert with_ids == covered
    assert len(urls(world, theirs)) == URL_COUNT


def test_the_owner_gets_the_same_urls(client, world, theirs):
    """The 404s above are about ownership, not broken URLs."""
    client.force_login(world.other)
    d = theirs["dossier"]
    assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 200
    assert client.get(reverse("dossiers:attachment", args=[d.pk, theirs["attachment"].pk])).status_code == 200
    assert client.get(reverse("dossiers:document", args=[d.pk, theirs["issued"].pk])).status_code == 200
    assert client.get(reverse("dossiers:store_file", args=[theirs["stored"].pk])).status_code == 200


def test_the_list_shows_only_ones_own_dossiers(client, world, theirs):
    client.force_login(world.citizen)
    html = client.get(reverse("dossiers:mine")).content.decode()
    assert reverse("dossiers:detail", args=[theirs["dossier"].pk]) not in html
    assert "CS-BINH" not in client.get(reverse("dossiers:store")).content.decode()


def test_an_officer_without_identity_verify_cannot_open_stored_documents(client, world, theirs):
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:store_verify_file", args=[theirs["stored"].pk])).status_code == 403
    client.force_login(world.citizen)
    assert client.get(reverse("dossiers:store_verify_file", args=[theirs["stored"].pk])).status_code == 403
