"""The one permission helper: posts cover their agency's sub-tree, and nothing else."""

import pytest

from portal.models import OfficerPost
from portal.permissions import agency_ids_where, may, may_somewhere
from tests.factories import AgencyFactory, CitizenFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db


def test_post_covers_agency_and_its_subtree_only():
    province = AgencyFactory(kind="province", parent=None)
    department = AgencyFactory(parent=province)
    division = AgencyFactory(parent=department, kind="division")
    other = AgencyFactory(parent=province)
    post = OfficerPostFactory(agency=department, role=OfficerPost.Role.LEADER)

    assert may(post.user, "dossier.approve", department)
    assert may(post.user, "dossier.approve", division)
    assert not may(post.user, "dossier.approve", other)
    assert not may(post.user, "dossier.approve", province)
    assert not may(post.user, "desk.receive", department)  # a leader is not a receiver
    assert sorted(agency_ids_where(post.user, "dossier.approve")) == sorted([department.pk, division.pk])


def test_citizen_and_anonymous_may_nothing():
    agency = AgencyFactory()
    citizen = CitizenFactory()
    assert not may(citizen, "dossier.view", agency)
    assert not may(None, "dossier.view", agency)
    assert not may_somewhere(citizen, "desk.receive")
    assert agency_ids_where(citizen, "dossier.view") == []


def test_inactive_post_grants_nothing():
    post = OfficerPostFactory(is_active=False)
    assert not may(post.user, "desk.receive", post.agency)


def test_moving_an_agency_moves_its_subtree():
    a = AgencyFactory(parent=None)
    b = AgencyFactory(parent=None)
    child = AgencyFactory(parent=a)
    grandchild = AgencyFactory(parent=child)
    child.parent = b
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.path == f"{b.path}{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 2


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        may(CitizenFactory(), "dossier.explode", AgencyFactory())
