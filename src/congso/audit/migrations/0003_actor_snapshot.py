from django.db import migrations, models
from django.db.models import F


def copy_actor(apps, schema_editor):
    # The hash of existing events was computed over actor_id; the snapshot keeps that value.
    apps.get_model("audit", "AuditEvent").objects.filter(actor__isnull=False).update(actor_ref=F("actor_id"))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head_row")]
    operations = [
        migrations.AddField(model_name="auditevent", name="actor_ref", field=models.BigIntegerField(blank=True, null=True)),
        migrations.RunPython(copy_actor, migrations.RunPython.noop),
    ]
