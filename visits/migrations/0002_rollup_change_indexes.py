# Change detection of the statistics roll-up (stats/rollup.py): the rows written since the last
# run are found through these indexes instead of a scan of every source table. Built CONCURRENTLY:
# the tables are not locked against writes while an index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="click",
            index=models.Index(fields=["created_at"], name="click_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(fields=["updated_at"], name="visit_updated_idx"),
        ),
        AddIndexConcurrently(
            model_name="visitsignup",
            index=models.Index(fields=["created_at"], name="visit_signup_created_idx"),
        ),
    ]
