"""Follow-ups keep their kind's parameters, and the title is rendered from the kind's template.

Existing rows keep their stored text: ``params`` stays null for them, which tells the model to
show ``title_text``/``body_text`` as they are (baanbrekers.followups.followup_render_title). The
fields are renamed in Django's state only; their columns keep their names, so nothing is copied.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("baanbrekers", "0004_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("followup", "title", "title_text"),
                migrations.AlterField(
                    model_name="followup",
                    name="title_text",
                    field=models.CharField(db_column="title", max_length=200, verbose_name="title"),
                ),
                migrations.RenameField("followup", "body", "body_text"),
                migrations.AlterField(
                    model_name="followup",
                    name="body_text",
                    field=models.TextField(blank=True, db_column="body", verbose_name="details"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="followup",
            name="params",
            field=models.JSONField(
                blank=True,
                help_text="What the kind's title template is filled with; empty for older rows.",
                null=True,
                verbose_name="parameters",
            ),
        ),
    ]
