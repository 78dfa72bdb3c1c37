# More of the statistics roll-up's change detection (stats/rollup.py): staff added to visits,
# buddy pairings that ended lately. Built CONCURRENTLY.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("placements", "0008_list_order_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="buddypairing",
            index=models.Index(fields=["end_date"], name="buddy_end_idx"),
        ),
    ]
