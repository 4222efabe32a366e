from django.db import migrations


def create_state_row(apps, schema_editor):
    # The single row whose token invalidates cached calendars (ADR 0012); created here so two
    # first edits can never race to insert it.
    apps.get_model("workcalendar", "CalendarState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_overrides_and_state")]

    operations = [migrations.RunPython(create_state_row, migrations.RunPython.noop)]
