"""The statistics follow the real workflow: every transition announces its change and the rollups move with it,
in the same transaction. Uses the workflow tests' small province (tests/workflow/conftest.py)."""

from __future__ import annotations

from dossiers import workflow
from dossiers.models import IssuedDocument
from reporting import selectors, services, stats
from reporting.selectors import StatQuery
from tests.workflow.conftest import at, vn, world  # noqa: F401 - fixtures

NOVEMBER = stats.Period.month(2026, 11)


def figures(scope, *fields):
    values = selectors.totals(StatQuery(period=NOVEMBER, agency=scope.department)).as_dict()
    return tuple(values[f] for f in fields)


def test_a_dossier_through_the_workflow_moves_the_figures(world, at):  # noqa: F811 - fixtures
    with at(vn(2026, 11, 23, 8)):
        dossier = world.received()
        assert figures(world, "received", "pending", "resolved") == (1, 1, 0)
        dossier = workflow.assign(dossier, by=world.leader, to_user=world.specialist)
        refused = world.submitted()
        workflow.refuse(refused, by=world.receiver, reasons="Không thuộc thẩm quyền giải quyết.")
        withdrawn = world.received()
        workflow.withdraw(withdrawn, by=world.citizen, reason="Không còn nhu cầu.")
        # the refused dossier was never received; the withdrawn one was received and is no longer pending
        assert figures(world, "received", "pending") == (2, 1)

    draft = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.RESULT_DRAFT, sha256="0" * 64)
    with at(vn(2026, 11, 26, 10)):
        dossier = workflow.propose(dossier, by=world.specialist, outcome="approved", document=draft)
    signed = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.RESULT, sha256="1" * 64)
    with at(vn(2026, 11, 27, 10)):
        dossier = workflow.approve(dossier, by=world.leader, signed_result=signed)
        assert dossier.due_at.date() > dossier.resolved_at.date()
        assert figures(world, "resolved", "resolved_early", "pending", "on_time_rate") == (1, 1, 0, 1.0)
    with at(vn(2026, 11, 27, 14)):
        workflow.return_result(dossier, by=world.receiver, channel="postal", tracking_number="EB123456789VN")
        assert figures(world, "returned_postal") == (1,)

    with at(vn(2026, 11, 30, 9)):
        kept = selectors.totals(StatQuery(period=NOVEMBER), use_cache=False).as_dict()
        services.rebuild_stats()
        assert selectors.totals(StatQuery(period=NOVEMBER), use_cache=False).as_dict() == kept
