"""Hot read queries as prepared statements on PostgreSQL.

The public lookup runs one small statement per request, and the statistics one join of a few dozen index probes; on
PostgreSQL planning either costs about as much as running it. psycopg prepares a statement once per connection when
asked (``prepare=True``); Django's own cursors bind parameters on the client side and cannot, so the few hot
statements go through a server-binding psycopg cursor on Django's connection (same session settings, time zone and
type loaders). Elsewhere, and on SQLite, the ordinary Django cursor runs them.

Such a statement also takes the place of the per-request health check (CONN_HEALTH_CHECKS, one more round trip): if
the kept connection turns out to be broken (the server restarted, say) and no transaction is open, the connection is
closed and the statement runs once more on a fresh one, so the caller never sees the stale connection.

Deployments that put a transaction-pooling PgBouncer between the portal and PostgreSQL need PgBouncer 1.21 or later
with ``max_prepared_statements`` set (psycopg's protocol-level statements then follow the server connection).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import InterfaceError, OperationalError, connection


def fetchone(sql: str, params: Sequence[Any]) -> tuple | None:
    """The first row of ``sql`` (``%s`` placeholders), prepared once per connection on PostgreSQL."""
    return _run(sql, params, lambda cursor: cursor.fetchone())


def fetchall(sql: str, params: Sequence[Any]) -> list[tuple]:
    """Every row of ``sql`` (``%s`` placeholders), prepared once per connection on PostgreSQL."""
    return _run(sql, params, lambda cursor: cursor.fetchall())


def _run(sql: str, params: Sequence[Any], fetch: Callable[[Any], Any]) -> Any:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return fetch(cursor)
    try:
        with connection.wrap_database_errors:
            return _run_prepared(sql, params, fetch)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block or not _broken():
            raise
    connection.close()  # broken outside a transaction: reconnect and run it once more
    with connection.wrap_database_errors:
        return _run_prepared(sql, params, fetch)


def _broken() -> bool:
    raw = connection.connection
    return raw is None or raw.closed or raw.broken


_NEVER_AUTOMATICALLY = 2**31 - 1


def _run_prepared(sql: str, params: Sequence[Any], fetch: Callable[[Any], Any]) -> Any:
    import psycopg

    connection.ensure_connection()
    # Django's health check runs in its own cursor() only; this statement is the check (see the module's docstring).
    connection.health_check_done = True
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens connections with preparation off (its cursors bind on the client side and could not use it).
        # Switch it on for the statements that ask for it, with a threshold no other statement reaches.
        raw.prepare_threshold = _NEVER_AUTOMATICALLY
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        return fetch(cursor)
