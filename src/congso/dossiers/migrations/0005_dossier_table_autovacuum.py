"""PostgreSQL: vacuum the dossier table after 1 % of new rows instead of the default 20 %
(autovacuum_vacuum_insert_scale_factor), so the visibility map of the recent rows — the open
dossiers the queue counts read from the partial indexes alone — stays set on a table of
millions of rows. Nothing on SQLite."""

from django.db import migrations

SETTINGS = ("autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.02, "
            "autovacuum_analyze_scale_factor = 0.02")
RESET = "autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor"


def apply(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE dossiers_dossier SET ({SETTINGS})")


def revert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE dossiers_dossier RESET ({RESET})")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_open_dossier_queue_indexes")]

    operations = [migrations.RunPython(apply, revert)]
