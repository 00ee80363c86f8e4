"""Every desk action is refused to an officer of another agency, a citizen (even the applicant) and an anonymous
visitor — and refused means: nothing about the dossier changed (its status, its events, its documents).

A dossier an officer may not see does not exist for them (404); a citizen has no officer post (403 on the lists,
404 on a dossier); an anonymous visitor is sent to the login page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Attachment, DossierEvent, IssuedDocument
from tests.desk.builders import STATES, reload
from tests.desk.conftest import PDF, vn

pytestmark = pytest.mark.django_db

# (url name, state the dossier is in — one where its own officer may do the action —, POST data or None for GET)
DOSSIER_ACTIONS = [
    ("desk_dossier", "submitted", None),
    ("desk_accept", "submitted", {}),
    (
        "desk_supplement",
        "submitted",
        {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-item": "Tờ khai", "items-0-reason": "Thiếu"},
    ),
    ("desk_refuse", "submitted", {"reasons": "Không thuộc thẩm quyền"}),
    ("desk_paper", "received", None),
    ("desk_assign", "received", "assign"),
    ("desk_work", "processing", {"kind": "verify", "note": "Đã xác minh"}),
    ("desk_transfer", "processing", "transfer"),
    (
        "desk_propose",
        "processing",
        {"outcome": "approved", "source": "generate", "title": "Quyết định", "body": "Chấp thuận"},
    ),
    ("desk_approve", "awaiting_approval", {}),
    ("desk_send_back", "awaiting_approval", {"comment": "Xem lại"}),
    ("desk_apology", "processing", {"reason": "Chậm", "new_due_date": "2026-12-15", "new_due_time": "16:00"}),
    ("desk_stop", "processing", {"reason": "Dừng"}),
    ("desk_early_notice", "result_ready", {"note": ""}),
    ("desk_return", "result_ready", {"channel": "counter", "received_by_name": "Nguyễn Văn An"}),
    ("desk_document", "awaiting_approval", None),
    ("desk_attachment", "submitted", None),
]


def _args(name: str, dossier) -> list:
    if name == "desk_paper":
        return [dossier.pk, "mau01"]
    if name == "desk_document":
        return [dossier.pk, IssuedDocument.objects.filter(dossier=dossier).first().pk]
    if name == "desk_attachment":
        return [dossier.pk, Attachment.objects.filter(dossier=dossier).first().pk]
    return [dossier.pk]


def _data(world, data):
    if data == "assign":
        return {"to_user": world.specialist.pk}
    if data == "transfer":
        return {"to_agency": world.other.pk, "lead": ""}
    return data


def _fingerprint(dossier):
    dossier = reload(dossier)
    return (
        dossier.status,
        dossier.code,
        dossier.assignee_id,
        dossier.current_department_id,
        dossier.apology_issued,
        DossierEvent.objects.filter(dossier=dossier).count(),
        IssuedDocument.objects.filter(dossier=dossier).count(),
    )


@pytest.mark.parametrize(("name", "state", "data"), DOSSIER_ACTIONS, ids=[a[0] for a in DOSSIER_ACTIONS])
def test_nobody_outside_the_dossiers_agencies_can_act_on_it(name, state, data, world, at, client_of, certificates):
    with at(vn(2026, 12, 7, 9)):  # Monday 7/12/2026
        dossier = STATES[state](world)
        target = reverse(f"dossiers:{name}", args=_args(name, dossier))
        before = _fingerprint(dossier)
        for who, user in (
            ("officer of another agency", world.outsider),
            ("citizen", world.citizen),
            ("anonymous", None),
        ):
            client = client_of(user)
            response = client.get(target) if data is None else client.post(target, _data(world, data))
            if user is None:
                assert response.status_code == 302 and "/tai-khoan/" in response["Location"], who
            else:
                assert response.status_code == 404, (who, response.status_code)
            assert _fingerprint(dossier) == before, who


def test_a_specialist_of_the_department_cannot_take_the_desks_actions(world, at, client_of):
    """The post matters, not only the agency tree: a specialist of the department may not accept at the desk."""
    with at(vn(2026, 12, 7, 9)):
        dossier = world.submitted()
        world.version.receiving_agencies.add(world.division)
        before = _fingerprint(dossier)
        response = client_of(world.specialist).post(reverse("dossiers:desk_accept", args=[dossier.pk]))
    assert response.status_code in (403, 404)
    assert _fingerprint(dossier) == before


def test_the_leader_of_another_department_cannot_approve(world, at, client_of, certificates):
    from tests.factories import OfficerFactory, OfficerPostFactory

    other_leader = OfficerFactory()
    OfficerPostFactory(user=other_leader, agency=world.other, role="leader")
    with at(vn(2026, 12, 7, 9)):
        dossier = STATES["awaiting_approval"](world)
        before = _fingerprint(dossier)
        response = client_of(other_leader).post(reverse("dossiers:desk_approve", args=[dossier.pk]))
    assert response.status_code == 404
    assert _fingerprint(dossier) == before


LIST_PAGES = [
    ("desk_queue", None),
    ("desk_worklist", None),
    ("desk_approval_queue", None),
    ("desk_intake", None),
    ("desk_tracking_book", None),
    ("desk_intake_form", None),
    ("desk_intake_applicant", {"full_name": "Lê Văn Tư", "citizen_id": "080090009999", "phone": "0933333333"}),
]


@pytest.mark.parametrize(("name", "data"), LIST_PAGES, ids=[p[0] for p in LIST_PAGES])
def test_a_citizen_and_an_anonymous_visitor_get_no_officer_page(name, data, world, client_of):
    from portal.models import User

    target = reverse(f"dossiers:{name}")
    users_before = User.objects.count()
    for user, expected in ((world.citizen, 403), (None, 302)):
        client = client_of(user)
        response = client.get(target) if data is None else client.post(target, data)
        assert response.status_code == expected
    assert User.objects.count() == users_before


def test_an_officer_of_another_agency_does_not_see_the_dossier_in_any_list(world, at, client_of, certificates):
    with at(vn(2026, 12, 7, 9)):
        submitted = world.submitted()
        awaiting = STATES["awaiting_approval"](world)
        outsider = client_of(world.outsider)
        pages = [
            outsider.get(reverse("dossiers:desk_queue") + "?status=").content.decode(),
            outsider.get(reverse("dossiers:desk_worklist") + "?status=").content.decode(),
        ]
    for page in pages:
        assert f"/mot-cua/ho-so/{submitted.pk}/" not in page
        assert f"/mot-cua/ho-so/{awaiting.pk}/" not in page


def test_counter_intake_for_another_agencys_desk_is_refused(world, client_of):
    """The intake form only takes the officer's own desks: another agency's id is not found."""
    from dossiers.models import Dossier

    url = reverse("dossiers:desk_intake_form")
    query = f"?agency={world.desk.pk}&channel=1&applicant={world.citizen.pk}&procedure={world.version.procedure.code}"
    response = client_of(world.outsider).post(
        url + query,
        {f"component-{world.component.pk}": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 404
    assert not Dossier.objects.exists()
