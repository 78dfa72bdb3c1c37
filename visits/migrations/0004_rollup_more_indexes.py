# More of the statistics roll-up's change detection (stats/rollup.py): staff added to visits,
# buddy pairings that ended lately. Built CONCURRENTLY.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0003_agenda_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="visitstaff",
            index=models.Index(fields=["added_at"], name="visit_staff_added_idx"),
        ),
    ]
