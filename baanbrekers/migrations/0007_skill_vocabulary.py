"""The skills vocabulary as a small thesaurus: synonyms, broader terms and fields of work, and
the base vocabulary for the demo's sectors from data/vocabulary.json (only added, never removed).
"""

import django.contrib.postgres.fields
from django.db import migrations, models


def load_base_vocabulary(apps, schema_editor):
    from baanbrekers.vocabulary import vocabulary_load

    vocabulary_load(skill_model=apps.get_model("baanbrekers", "Skill"))


class Migration(migrations.Migration):
    dependencies = [
        ("baanbrekers", "0006_sending_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="skill",
            name="alt_labels",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=80),
                blank=True,
                default=list,
                help_text="Other words for the same skill, separated by commas.",
                size=None,
                verbose_name="synonyms",
            ),
        ),
        migrations.AddField(
            model_name="skill",
            name="broader",
            field=models.ManyToManyField(
                blank=True,
                help_text="The more general skills this one falls under (welding → metalworking).",
                related_name="narrower",
                to="baanbrekers.skill",
                verbose_name="broader terms",
            ),
        ),
        migrations.AddField(
            model_name="skill",
            name="is_field",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "A field of work (technical, care, logistics...): matching treats everything "
                    "under it as sharing a theme."
                ),
                verbose_name="field of work",
            ),
        ),
        migrations.RunPython(load_base_vocabulary, migrations.RunPython.noop),
    ]
