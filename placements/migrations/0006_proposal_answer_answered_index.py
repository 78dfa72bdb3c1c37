# The pipeline board's "interested" column (answered, latest first) for a whole region: the ids
# of its 50 cards are read from this index. Built CONCURRENTLY: the proposals table is not locked
# against writes while the index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("placements", "0005_field_limits"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="proposal",
            index=models.Index(
                fields=["answer", "-answered_at", "-id"], name="proposal_answer_answered_idx"
            ),
        ),
    ]
