"""Slip numbers (…/PBS-…, …/PTC-…, the receipt's line) run per agency and year with no duplicate and no gap, even
when many issuers ask at once (PostgreSQL, real threads, real transactions)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from dossiers.documents import numbering
from dossiers.models import DocumentNumber
from tests.factories import AgencyFactory

Series = numbering.Series


@pytest.mark.django_db(transaction=True)
def test_parallel_allocation_gives_each_subject_its_own_number_without_gap():
    agency = AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh Long An")
    workers, per_worker = 8, 15
    start = threading.Barrier(workers)

    def allocate_many(worker: int) -> list[int]:
        start.wait()  # everyone starts together
        try:
            return [
                numbering.allocate(
                    agency=agency, year=2026, series=Series.SUPPLEMENT_REQUEST, subject=f"request:{worker}:{i}"
                ).seq
                for i in range(per_worker)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        numbers = [n for chunk in pool.map(allocate_many, range(workers)) for n in chunk]

    assert sorted(numbers) == list(range(1, workers * per_worker + 1))
    assert DocumentNumber.objects.filter(agency=agency, year=2026, series=Series.SUPPLEMENT_REQUEST).count() == 120


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_the_same_slip_share_one_number():
    agency = AgencyFactory()
    workers = 6
    start = threading.Barrier(workers)

    def allocate_same(_worker: int) -> str:
        start.wait()
        try:
            return numbering.allocate(agency=agency, year=2026, series=Series.REFUSAL, subject="dossier:42").text
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = set(pool.map(allocate_same, range(workers)))
    assert len(texts) == 1
    assert DocumentNumber.objects.filter(series=Series.REFUSAL, subject="dossier:42").count() == 1


@pytest.mark.django_db
def test_numbers_restart_each_year_and_differ_per_series_and_agency():
    centre = AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh Long An")
    justice = AgencyFactory(name="Sở Tư pháp")

    def number(agency, year, series, subject):
        return numbering.allocate(agency=agency, year=year, series=series, subject=subject).text

    assert number(centre, 2026, Series.SUPPLEMENT_REQUEST, "a") == "01/PBS-TTPVHCC"
    assert number(centre, 2026, Series.SUPPLEMENT_REQUEST, "b") == "02/PBS-TTPVHCC"
    assert number(centre, 2026, Series.REFUSAL, "a") == "01/PTC-TTPVHCC"
    assert number(justice, 2026, Series.SUPPLEMENT_REQUEST, "c") == "01/PBS-STP"
    assert number(centre, 2027, Series.SUPPLEMENT_REQUEST, "d") == "01/PBS-TTPVHCC"
    assert number(centre, 2026, Series.SUPPLEMENT_REQUEST, "a") == "01/PBS-TTPVHCC"  # asked again: kept


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_gives_its_number_back():
    agency = AgencyFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.allocate(agency=agency, year=2026, series=Series.APOLOGY, subject="slip:1")
        raise RuntimeError("rendering failed")
    assert numbering.allocate(agency=agency, year=2026, series=Series.APOLOGY, subject="slip:2").seq == 1


def test_unknown_series_is_a_programming_error():
    with pytest.raises(ValueError):
        numbering.allocate(agency=None, year=2026, series="XYZ", subject="x")  # type: ignore[arg-type]
