"""Concurrency on PostgreSQL (STYLE "Races"): parallel acceptances issue consecutive codes with no duplicate and no
gap; two leaders approving one dossier → one signed result and one clear refusal; a paper that cannot be stored
leaves the committed acceptance whole."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from dossiers.models import Dossier, DossierEvent, IssuedDocument, Status
from dossiers.services import approval, desk
from portal.exceptions import ConcurrentChange, InvalidTransition
from tests.desk.builders import proposed
from tests.desk.conftest import vn
from tests.factories import OfficerFactory, OfficerPostFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PARALLEL_ACCEPTANCES = 200
THREADS = 8


def _in_threads(count: int, job):
    barrier = threading.Barrier(count)

    def worker(index: int):
        try:
            barrier.wait()
            return "ok", job(index)
        except (ConcurrentChange, InvalidTransition) as exc:
            return "refused", exc.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_200_parallel_acceptances_for_one_agency_and_day_give_200_consecutive_codes(world, at):
    """Eight desk officers accept 200 online dossiers at the same moment on Monday 7/12/2026: the codes are
    000.00.01.H41-261207-0001 … -0200, each once (ND 61/2018 art 26; TT 01/2018 art 19)."""
    officers = [world.receiver]
    for _ in range(THREADS - 1):
        officer = OfficerFactory()
        OfficerPostFactory(user=officer, agency=world.desk, role="receiver")
        officers.append(officer)
    with at(vn(2026, 12, 7, 8)):
        pks = [world.submitted().pk for _ in range(PARALLEL_ACCEPTANCES)]

    def accept_share(index: int) -> list[str]:
        codes = []
        for pk in pks[index::THREADS]:
            codes.append(desk.accept(dossier=Dossier.objects.get(pk=pk), by=officers[index]).code)
        return codes

    with at(vn(2026, 12, 7, 9)):
        outcomes = _in_threads(THREADS, accept_share)
    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS
    issued = sorted(code for _, batch in outcomes for code in batch)
    assert issued == [f"000.00.01.H41-261207-{n:04d}" for n in range(1, PARALLEL_ACCEPTANCES + 1)]
    assert Dossier.objects.filter(status=Status.RECEIVED).count() == PARALLEL_ACCEPTANCES
    assert DossierEvent.objects.filter(action="accept").count() == PARALLEL_ACCEPTANCES


def test_two_leaders_approving_at_once_sign_one_result(world, at, certificates):
    deputy = OfficerFactory(full_name="Phó Giám đốc")
    OfficerPostFactory(user=deputy, agency=world.department, role="leader")
    with at(vn(2026, 12, 7, 9)):
        dossier = proposed(world)
    leaders = [world.leader, deputy]
    with at(vn(2026, 12, 8, 9)):
        outcomes = _in_threads(2, lambda i: approval.approve(dossier=Dossier.objects.get(pk=dossier.pk), by=leaders[i]))
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refusal = next(message for kind, message in outcomes if kind == "refused")
    assert "cán bộ khác" in refusal or "không còn chờ phê duyệt" in refusal
    assert IssuedDocument.objects.filter(dossier=dossier, kind=IssuedDocument.Kind.RESULT).count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="approve").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY


def test_a_receipt_that_cannot_be_stored_leaves_the_acceptance_whole(world, at, client_of, settings, tmp_path):
    """The storage fails (here: the media folder is a file). The acceptance committed stays as it is — code, clock,
    event — the officer reads why the slip did not print, and printing works again once storage is back."""
    good_media = settings.MEDIA_ROOT
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with at(vn(2026, 12, 7, 9)):
        dossier = world.submitted()
        client = client_of(world.receiver)
        assert client.post(reverse("dossiers:desk_accept", args=[dossier.pk])).status_code == 302
        settings.MEDIA_ROOT = str(blocker / "media")
        broken = client.get(reverse("dossiers:desk_paper", args=[dossier.pk, "mau01"]))
        settings.MEDIA_ROOT = good_media
        fixed = client.get(reverse("dossiers:desk_paper", args=[dossier.pk, "mau01"]))
    assert broken.status_code == 503
    assert "Chưa lập được văn bản lúc này" in broken.content.decode()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RECEIVED and dossier.code == "000.00.01.H41-261207-0001" and dossier.due_at
    assert fixed.status_code == 200 and fixed["Content-Type"] == "application/pdf"
    assert Path(good_media).exists()
