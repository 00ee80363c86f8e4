"""Append-only rows: audit entries and dossier events are written once and never edited or deleted."""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xoá.")


class AppendOnlyModel(models.Model):
    """Refuses updates and deletes through the ORM; a database trigger refuses them on PostgreSQL too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xoá.")


def append_only_trigger_sql(table: str) -> tuple[str, str]:
    """SQL (forward, reverse) for a PostgreSQL trigger that rejects UPDATE and DELETE on ``table``."""
    fn = f"{table}_append_only"
    forward = f"""
        CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION USING MESSAGE = 'append-only table {table}: ' || TG_OP || ' refused';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {fn}_trg BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {fn}();
    """
    reverse = f"DROP TRIGGER IF EXISTS {fn}_trg ON {table}; DROP FUNCTION IF EXISTS {fn}();"
    return forward, reverse


def append_only_migration(table: str):
    """A migration operation installing the trigger on PostgreSQL (SQLite relies on the ORM guard)."""
    from django.db import migrations

    forward_sql, reverse_sql = append_only_trigger_sql(table)

    def forward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward_sql)

    def reverse(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, reverse)
