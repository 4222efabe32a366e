"""A trigram GIN index on Procedure.search_text, on PostgreSQL only (issue #13, ADR 0026).

The catalogue search narrows its candidates with ``search_text LIKE '%word%'`` for every
typed word (selectors.candidates_filter). On PostgreSQL a pg_trgm GIN index answers those
LIKEs from posting lists instead of reading every procedure. SQLite has no such index; the
migration does nothing there, and the model state is unchanged on both (the index is not in
``Meta.indexes``, which cannot express a database-specific index).

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Where it
cannot be created the migration says so and leaves the search as it was (it works without
the index, only slower at thousands of procedures).
"""

import logging

from django.db import migrations

log = logging.getLogger("congso.migrations")

INDEX = "procedure_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone() is None:
                log.warning("pg_trgm is not available: %s not created", INDEX)
                return
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON procedures_procedure "
        "USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
    )
    schema_editor.execute("ANALYZE procedures_procedure")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extension stays: another index may use it.
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0007_form_file_upload_validator")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
