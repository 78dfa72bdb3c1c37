# The employer list in its default order (trade name, then id), for a coordinator (the whole
# country) and within a caseworker's municipalities: read in order from these indexes and stopped
# after a page, instead of joining and sorting every employer (national: 300,000, 1 s).
# Built CONCURRENTLY: the employers table is not locked against writes meanwhile.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("employers", "0003_field_limits_and_competence_suggestions"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="employer",
            index=models.Index(fields=["trade_name", "id"], name="employer_name_order_idx"),
        ),
        AddIndexConcurrently(
            model_name="employer",
            index=models.Index(
                fields=["municipality", "trade_name", "id"], name="employer_muni_name_idx"
            ),
        ),
    ]
