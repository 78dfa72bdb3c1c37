# Ordered paths for the pipeline's lists at national size (issue 14): the board's columns and the
# API's lists read the first rows of their order from these indexes and stop after a page,
# checking per row whether the job seeker is one of the user's municipalities', instead of
# sorting every row of the municipalities first. Built CONCURRENTLY: the tables are not locked
# against writes while an index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("placements", "0007_rollup_change_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="proposal",
            index=models.Index(
                fields=["answer", "proposed_at", "id"], name="proposal_answer_proposed_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="proposal",
            index=models.Index(fields=["-proposed_at", "-id"], name="proposal_list_order_idx"),
        ),
        AddIndexConcurrently(
            model_name="developmentplacement",
            index=models.Index(
                fields=["status", "start_date", "id"], name="placement_status_start_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="developmentplacement",
            index=models.Index(
                models.OrderBy(models.F("ended_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(status__in=["completed", "ended_early"]),
                name="placement_finished_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="developmentplacement",
            index=models.Index(fields=["-start_date", "-id"], name="placement_start_order_idx"),
        ),
    ]
