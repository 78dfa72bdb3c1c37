# A caseworker's list in its default order (name, then id) within their municipalities: read in
# order from this index and stopped after a page, instead of sorting every person of a large
# municipality. Built CONCURRENTLY: the job seekers table is not locked against writes meanwhile.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("jobseekers", "0005_anonymised_on"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="jobseeker",
            index=models.Index(
                fields=["municipality", "last_name", "first_name", "id"],
                name="jobseeker_muni_name_idx",
            ),
        ),
    ]
