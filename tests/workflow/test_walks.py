"""Random walks through the lifecycle: only table edges occur, one event per success, and the stored due date
always equals the one derived again from the clock log (STYLE, "Hypothesis properties")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import clock as dossier_clock
from dossiers import workflow
from dossiers.models import Dossier, IssuedDocument
from portal.exceptions import PortalError
from tests.workflow.conftest import vn

pytestmark = pytest.mark.django_db

VERBS = [
    "accept",
    "request_supplement",
    "answer_supplement",
    "refuse",
    "assign",
    "propose",
    "send_back",
    "approve",
    "issue_apology",
    "withdraw",
    "return_result",
    "stop",
]


def _do(world, dossier: Dossier, verb: str) -> None:
    if verb == "accept":
        workflow.accept(dossier, by=world.receiver)
    elif verb == "request_supplement":
        by = world.receiver if dossier.status == "submitted" else world.specialist
        workflow.request_supplement(dossier, by=by, items=[{"item": "Bản sao", "reason": "Mờ"}])
    elif verb == "answer_supplement":
        world.attach(dossier)
        workflow.answer_supplement(dossier, by=world.citizen, note="Đã bổ sung")
    elif verb == "refuse":
        workflow.refuse(dossier, by=world.receiver, reasons="Không thuộc thẩm quyền")
    elif verb == "assign":
        workflow.assign(dossier, by=world.leader, to_user=world.specialist)
    elif verb == "propose":
        draft = IssuedDocument.objects.create(dossier=dossier, kind="result_draft", sha256="0" * 64)
        workflow.propose(dossier, by=world.specialist, outcome="approved", document=draft)
    elif verb == "send_back":
        workflow.send_back(dossier, by=world.leader, comment="Bổ sung căn cứ")
    elif verb == "approve":
        signed = IssuedDocument.objects.create(dossier=dossier, kind="result", sha256="1" * 64)
        workflow.approve(dossier, by=world.leader, signed_result=signed)
    elif verb == "issue_apology":
        due = dossier.due_at or vn(2027, 1, 5, 8)
        workflow.issue_apology(dossier, by=world.leader, reason="Chậm", new_due_at=due + timedelta(days=7))
    elif verb == "withdraw":
        workflow.withdraw(dossier, by=world.citizen, reason="Không cần nữa")
    elif verb == "return_result":
        workflow.return_result(dossier, by=world.receiver, channel="counter", received_by_name="An")
    elif verb == "stop":
        workflow.stop(dossier, by=world.leader, reason="Quá hạn bổ sung")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(walk=st.lists(st.tuples(st.sampled_from(VERBS), st.integers(min_value=0, max_value=30)), max_size=10))
def test_random_walks_follow_the_table_and_keep_the_clock_consistent(world, at, walk):
    moment = vn(2026, 12, 1, 8)
    with at(moment):
        dossier = world.submitted()
    for verb, hours in walk:
        moment += timedelta(hours=hours)
        dossier = Dossier.objects.get(pk=dossier.pk)
        before_status, before_events = dossier.status, dossier.events.count()
        expected = workflow.TRANSITIONS[verb].get(before_status)
        with at(moment):
            try:
                _do(world, dossier, verb)
                succeeded = True
            except PortalError:
                succeeded = False
        dossier = Dossier.objects.get(pk=dossier.pk)
        if succeeded:
            assert expected is not None, f"{verb} from {before_status} is not an edge of the table"
            assert dossier.status == expected
            assert dossier.events.count() == before_events + 1
        else:
            assert dossier.status == before_status
            assert dossier.events.count() == before_events
        # The stored due date is exactly what the clock log derives.
        assert dossier.due_at == dossier_clock.state(dossier).due_at
