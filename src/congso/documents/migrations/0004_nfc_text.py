"""Text stored before input was normalised, put into NFC (issue #11, finding 13; ADR 0108)."""

from django.db import migrations

from congso.core.nfc import nfc_migration


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_text_length_limits")]

    operations = [nfc_migration("documents")]
