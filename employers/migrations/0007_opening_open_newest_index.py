# The pipeline board's open offers of a region, newest first, read in index order and stopped
# after a page (national: 264,000 open openings sorted per request, 0.5-0.65 s -> 15 ms warm).
# Built CONCURRENTLY.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("employers", "0006_search_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="opening",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "open")),
                name="opening_open_newest_idx",
            ),
        ),
    ]
