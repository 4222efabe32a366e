"""Full-text structures for SearchEntry, created only on the database that has them."""

from django.db import migrations


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        # Text is folded before it is stored, so the 'simple' configuration (no stemming, no
        # accent rules) is exactly what Vietnamese needs.
        schema_editor.execute(
            "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_tsv_gin ON search_searchentry USING gin (tsv)"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_tsv_gin")
        schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]
    operations = [migrations.RunPython(create, drop)]
