# The coordinator's employer search (employers/selectors.py ``_search``) finds the rows through
# these indexes instead of testing each of the country's employers in name order (national size:
# 300,000 employers, a word whose matches sort late took 1 s): the trade name's trigrams (pg_trgm,
# created by baanbrekers 0002 where the server has it), the place (iexact) and the postcode's
# start. Built CONCURRENTLY: the employers table is not locked against writes meanwhile.

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Upper

from baanbrekers.migration_ops import AddIndexConcurrentlyIfExtension


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("baanbrekers", "0002_skill_auditevent"),
        ("employers", "0005_rollup_change_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyIfExtension(
            model_name="employer",
            index=GinIndex(
                OpClass(Upper("trade_name"), name="gin_trgm_ops"), name="employer_trade_name_trgm"
            ),
            extension="pg_trgm",
        ),
        AddIndexConcurrently(
            model_name="employer",
            index=models.Index(Upper("city"), name="employer_city_upper_idx"),
        ),
        AddIndexConcurrently(
            model_name="employer",
            index=models.Index(
                OpClass("postcode", name="varchar_pattern_ops"), name="employer_postcode_like"
            ),
        ),
    ]
