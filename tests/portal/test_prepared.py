"""portal.prepared: hot statements prepared once per connection, and a broken kept connection replaced unseen."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from portal import prepared

SQL = "SELECT %s::text || '-motcua-prepared-test'"


def _terminate_our_backend() -> None:
    """What a server restart does to a kept connection: its backend is gone."""
    pid = connection.connection.info.backend_pid
    url = connection.settings_dict
    with psycopg.connect(
        host=url["HOST"], port=url["PORT"] or 5432, user=url["USER"], dbname=url["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db
def test_answers_and_prepares_the_statement_once() -> None:
    assert prepared.fetchone(SQL, ["a"]) == ("a-motcua-prepared-test",)
    assert prepared.fetchone(SQL, ["b"]) == ("b-motcua-prepared-test",)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%motcua-prepared-test%"]
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_fetchall_keeps_the_rows_and_their_types() -> None:
    rows = prepared.fetchall("SELECT n, %s::date + n FROM generate_series(1, %s) AS n ORDER BY n", ["2026-02-27", 3])
    assert rows == [(1, date(2026, 2, 28)), (2, date(2026, 3, 1)), (3, date(2026, 3, 2))]


@pytest.mark.django_db
def test_no_row_is_none() -> None:
    assert prepared.fetchone("SELECT 1 WHERE %s::int = 2", [1]) is None


@pytest.mark.django_db(transaction=True)
def test_a_broken_kept_connection_is_replaced_outside_transactions() -> None:
    prepared.fetchone(SQL, ["warm"])
    old_pid = connection.connection.info.backend_pid
    _terminate_our_backend()
    assert prepared.fetchone(SQL, ["again"]) == ("again-motcua-prepared-test",)
    assert connection.connection.info.backend_pid != old_pid


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_failure_is_reported_not_retried() -> None:
    prepared.fetchone(SQL, ["warm"])
    # Django's error class, as from any other query
    with pytest.raises(OperationalError), transaction.atomic():
        _terminate_our_backend()
        prepared.fetchone(SQL, ["lost"])
    connection.close()
