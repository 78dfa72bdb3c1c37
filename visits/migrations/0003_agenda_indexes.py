# The coming visits (VisitQuerySet.upcoming: planned, from now on) in date order, for the first few
# a user may see (the job seeker's file offers the next ones with a free place). Without it
# PostgreSQL multiplied "planned" by "from now on" as if they were unrelated (some 400 rows
# instead of 15,000 at national scale) and gathered and sorted them all. Built CONCURRENTLY: the
# visits table is not locked against writes while the index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0002_rollup_change_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(
                condition=models.Q(status="planned"),
                fields=["starts_at"],
                name="visit_planned_starts_idx",
            ),
        ),
    ]
