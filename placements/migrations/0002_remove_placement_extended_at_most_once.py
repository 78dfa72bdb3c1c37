# How often a placement may be extended is policy (settings.PLACEMENT_MAX_EXTENSIONS), checked by
# the transitions table; the database keeps only what must always hold.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="developmentplacement",
            name="placement_extended_at_most_once",
        ),
    ]
