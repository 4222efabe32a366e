"""The 29 kinds of administrative documents of NĐ 30/2020 (Phụ lục III) with abbreviations."""

from django.db import migrations

# The list lives in congso.documents.kinds (pure data, safe to import from a migration).
from congso.documents.kinds import KINDS


def load(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for order, (name, abbreviation) in enumerate(KINDS, start=1):
        DocumentKind.objects.update_or_create(name=name, defaults={"order": order,
                                                                   "abbreviation": abbreviation})


def unload(apps, schema_editor):
    apps.get_model("documents", "DocumentKind").objects.filter(name__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents_registers_exchange_work_files")]
    operations = [migrations.RunPython(load, unload)]
