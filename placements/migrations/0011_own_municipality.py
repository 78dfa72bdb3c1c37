# Proposals and placements hold their job seeker's municipality in a column of their own
# (placements.models.OWN_MUNICIPALITY), so that a region's board reads its own rows in order. The
# national board's columns walked every active, finished or proposed row of the country in order
# and joined each to its person to find the region's fifty (12-35 ms a column for Amsterdam, more
# for a small municipality's finished column).
#
# The database keeps the copy, whoever writes (services, imports, the scale generator's COPY,
# a QuerySet.update): a BEFORE trigger on both tables sets it from the person on every insert and
# on an update that names the person or the column, and an AFTER trigger on the job seekers moves
# a person's rows along when their municipality changes. Then the rows already there are filled.

from django.db import migrations, models
import django.db.models.deletion

FORWARD = """
CREATE FUNCTION placements_own_municipality() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT municipality_id INTO NEW.municipality_id
    FROM jobseekers_jobseeker WHERE id = NEW.jobseeker_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER proposal_own_municipality
    BEFORE INSERT OR UPDATE OF jobseeker_id, municipality_id ON placements_proposal
    FOR EACH ROW EXECUTE FUNCTION placements_own_municipality();

CREATE TRIGGER placement_own_municipality
    BEFORE INSERT OR UPDATE OF jobseeker_id, municipality_id ON placements_developmentplacement
    FOR EACH ROW EXECUTE FUNCTION placements_own_municipality();

CREATE FUNCTION placements_follow_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placements_proposal SET municipality_id = NEW.municipality_id
    WHERE jobseeker_id = NEW.id;
    UPDATE placements_developmentplacement SET municipality_id = NEW.municipality_id
    WHERE jobseeker_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobseeker_moves_placements
    AFTER UPDATE OF municipality_id ON jobseekers_jobseeker
    FOR EACH ROW WHEN (OLD.municipality_id IS DISTINCT FROM NEW.municipality_id)
    EXECUTE FUNCTION placements_follow_person();

UPDATE placements_proposal p SET municipality_id = j.municipality_id
FROM jobseekers_jobseeker j WHERE j.id = p.jobseeker_id;

UPDATE placements_developmentplacement p SET municipality_id = j.municipality_id
FROM jobseekers_jobseeker j WHERE j.id = p.jobseeker_id;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS jobseeker_moves_placements ON jobseekers_jobseeker;
DROP FUNCTION IF EXISTS placements_follow_person();
DROP TRIGGER IF EXISTS placement_own_municipality ON placements_developmentplacement;
DROP TRIGGER IF EXISTS proposal_own_municipality ON placements_proposal;
DROP FUNCTION IF EXISTS placements_own_municipality();
"""


def _municipality():
    return models.ForeignKey(
        blank=True,
        db_index=False,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="baanbrekers.municipality",
        verbose_name="job seeker's municipality",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("baanbrekers", "0007_skill_vocabulary"),
        ("jobseekers", "0007_matching_indexes"),
        ("placements", "0010_placement_active_order_index"),
    ]

    operations = [
        migrations.AddField(model_name="proposal", name="municipality", field=_municipality()),
        migrations.AddField(
            model_name="developmentplacement", name="municipality", field=_municipality()
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
