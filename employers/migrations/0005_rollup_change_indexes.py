# Change detection of the statistics roll-up (stats/rollup.py): the rows written since the last
# run are found through these indexes instead of a scan of every source table. Built CONCURRENTLY:
# the tables are not locked against writes while an index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("employers", "0004_name_order_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="employer",
            index=models.Index(fields=["updated_at"], name="employer_updated_idx"),
        ),
    ]
