# Change detection of the statistics roll-up (stats/rollup.py): the rows written since the last
# run are found through these indexes instead of a scan of every source table. Built CONCURRENTLY:
# the tables are not locked against writes while an index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("placements", "0006_proposal_answer_answered_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="buddypairing",
            index=models.Index(fields=["created_at"], name="buddy_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="developmentplacement",
            index=models.Index(fields=["updated_at"], name="placement_updated_idx"),
        ),
        AddIndexConcurrently(
            model_name="introduction",
            index=models.Index(fields=["created_at"], name="introduction_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="jobcheck",
            index=models.Index(fields=["created_at"], name="job_check_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="joboutcome",
            index=models.Index(fields=["created_at"], name="job_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="joboutcome",
            index=models.Index(fields=["updated_at"], name="job_updated_idx"),
        ),
        AddIndexConcurrently(
            model_name="joboutcome",
            index=models.Index(fields=["start_date"], name="job_start_idx"),
        ),
        AddIndexConcurrently(
            model_name="proposal",
            index=models.Index(fields=["answered_at"], name="proposal_answered_idx"),
        ),
    ]
