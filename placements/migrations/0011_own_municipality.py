# Proposals and placements hold their job seeker's municipality in a column of their own
# (placements.models.OWN_MUNICIPALITY), so that a region's board reads its own rows in order. The
# national board's columns walked every active, finished or proposed row of the country in order
# and joined each to its person to find the region's fifty (12-35 ms a column for Amsterdam, more
# for a small municipality's finished column).
#
# The database keeps the copy, whoever writes (services, imports, loaddata, the scale generator's
# COPY, a QuerySet.update):
# - on an insert, and an update that gives the row another person, a BEFORE trigger copies the
#   person's municipality, reading the person FOR SHARE: a move of that person waits until the
#   row is committed, and then moves it along (without the lock a row inserted while its person
#   moved kept the old municipality for good). A row written before its person exists (one
#   transaction, deferred foreign keys: a bulk load) keeps the value it was given;
# - any other update keeps the stored value: the application never writes the column (a saved
#   instance holds None), so what it sends is ignored;
# - when a person moves, or is inserted after rows that name them, an AFTER trigger on the job
#   seekers sets their rows' column (a nested update, which the BEFORE trigger lets through).
# NOT NULL: a row whose person is unknown when it is written, and which was not given a value,
# is refused rather than stored out of every caseworker's sight.
#
# Locks: the job seekers first (their writes wait; reads go on), then both tables (ACCESS
# EXCLUSIVE for the new column: the board, files and API wait too). National size, 1.25 million
# rows: about a minute. lock_timeout: a deploy that cannot get a lock fails within 10 s instead of
# queueing every request behind it (run it again in a quiet moment).

from django.db import migrations, models
import django.db.models.deletion

LOCK = """
SET LOCAL lock_timeout = '10s';
LOCK TABLE jobseekers_jobseeker IN SHARE ROW EXCLUSIVE MODE;
"""

FORWARD = """
UPDATE placements_proposal p SET municipality_id = j.municipality_id
FROM jobseekers_jobseeker j WHERE j.id = p.jobseeker_id;

UPDATE placements_developmentplacement p SET municipality_id = j.municipality_id
FROM jobseekers_jobseeker j WHERE j.id = p.jobseeker_id;

CREATE FUNCTION placements_own_municipality() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    person_municipality bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.jobseeker_id = OLD.jobseeker_id AND pg_trigger_depth() = 1 THEN
        NEW.municipality_id := OLD.municipality_id;
        RETURN NEW;
    END IF;
    SELECT municipality_id INTO person_municipality
    FROM jobseekers_jobseeker WHERE id = NEW.jobseeker_id FOR SHARE;
    IF FOUND THEN
        NEW.municipality_id := person_municipality;
    END IF;
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
    WHERE jobseeker_id = NEW.id AND municipality_id IS DISTINCT FROM NEW.municipality_id;
    UPDATE placements_developmentplacement SET municipality_id = NEW.municipality_id
    WHERE jobseeker_id = NEW.id AND municipality_id IS DISTINCT FROM NEW.municipality_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobseeker_moves_placements
    AFTER UPDATE OF municipality_id ON jobseekers_jobseeker
    FOR EACH ROW WHEN (OLD.municipality_id IS DISTINCT FROM NEW.municipality_id)
    EXECUTE FUNCTION placements_follow_person();

CREATE TRIGGER jobseeker_brings_placements
    AFTER INSERT ON jobseekers_jobseeker
    FOR EACH ROW EXECUTE FUNCTION placements_follow_person();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS jobseeker_brings_placements ON jobseekers_jobseeker;
DROP TRIGGER IF EXISTS jobseeker_moves_placements ON jobseekers_jobseeker;
DROP FUNCTION IF EXISTS placements_follow_person();
DROP TRIGGER IF EXISTS placement_own_municipality ON placements_developmentplacement;
DROP TRIGGER IF EXISTS proposal_own_municipality ON placements_proposal;
DROP FUNCTION IF EXISTS placements_own_municipality();
"""


def _municipality(*, null: bool):
    return models.ForeignKey(
        blank=True,
        db_index=False,
        editable=False,
        null=null,
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
        migrations.RunSQL(LOCK, migrations.RunSQL.noop),
        migrations.AddField(
            model_name="proposal", name="municipality", field=_municipality(null=True)
        ),
        migrations.AddField(
            model_name="developmentplacement",
            name="municipality",
            field=_municipality(null=True),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AlterField(
            model_name="proposal", name="municipality", field=_municipality(null=False)
        ),
        migrations.AlterField(
            model_name="developmentplacement",
            name="municipality",
            field=_municipality(null=False),
        ),
    ]
