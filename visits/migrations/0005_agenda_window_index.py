# The agenda's window of days with the company of each visit (visits.selectors.agenda_window):
# the UNION's employer half reads the visits of those days (starts_at, employer_id and the id
# it returns) from the index alone. Built CONCURRENTLY.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("visits", "0004_rollup_more_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(
                fields=["starts_at", "employer"], include=["id"], name="visit_starts_employer_idx"
            ),
        ),
    ]
