# A proposed placement may end early before the no-displacement check (issue 11: it answered
# 500); one that started always had the check.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_remove_placement_extended_at_most_once"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="developmentplacement",
            name="placement_agreed_only_without_displacement",
        ),
        migrations.AddConstraint(
            model_name="developmentplacement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("status__in", ["agreed", "active", "completed"]), _negated=True),
                        models.Q(
                            ("started_on__isnull", False), ("status", "ended_early"), _negated=True
                        ),
                    ),
                    ("no_displacement_confirmed", True),
                    _connector="OR",
                ),
                name="placement_agreed_only_without_displacement",
            ),
        ),
    ]
