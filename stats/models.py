"""The statistics roll-up: one row of figures per municipality per day.

Dashboards, exports and the API read these rows only, never the raw tables. Rows are sparse: a
(municipality, day) without any event has no row. Months and years are SQL sums over days.

Which municipality a figure belongs to:
- visits held and aldermen's visits: the visited employer's municipality;
- everything about a person (joining visits, clicks, proposals, placements, jobs, buddies,
  outflow): the job seeker's municipality (as it is now: a job seeker who moves takes their
  history along: the roll-up takes their stored contribution, stats.PersonFigures, off the days
  concerned and adds the new one).

Which day: the local (Europe/Amsterdam) date of the visit, of the proposal or its answer, the
placement's start or end, the job's start, the buddy pairing's start or end, the introduction.

Definitions:
- outflow: a job seeker with a benefit (any type but "none") counts once, on the start of their
  first paid job (JobOutcome);
- days from first contact to work: from the day the job seeker entered our files (created_at)
  to that first job, summed here so averages add up over days and municipalities;
- still working after 6 / 12 months: from the answers to the "still working?" checks only
  (placements.JobCheck, given by the caseworker or the employer), never from the job seeker's
  status. Among the outflow whose first job started at least 6 / 12 months before the run's
  reference date ("due"), "answered" counts those whose first job has an answer for that month
  or was recorded as ended before that mark (its end date: then the answer is known, "no"), and
  "working" those answered "still working". Due minus answered is shown as "not answered yet";
  the share is working / answered;
- benefit payments saved is not stored: it is outflow × months × an average monthly benefit,
  computed when shown (stats.selectors), so changing the assumption needs no rebuild;
- buddy pairs count as active from their start until their end date (a paused pair too).

Stocks (placements active, buddy pairs active) are not stored: they are the running sums of
"started" minus "ended" up to a day, which keeps every stored row a pure count of that day.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from baanbrekers.models import Municipality

# The counted figures, in the order exports show them. Each is a column of DailyFigures.
COUNT_FIELDS = [
    "visits_held",
    "alderman_visits",
    "visit_jobseekers",
    "clicks",
    "proposals",
    "proposals_interested",
    "proposals_not_now",
    "proposals_declined",
    "placements_started",
    "placements_completed",
    "placements_ended_early",
    "jobs_visit",
    "jobs_placement",
    "jobs_buddy",
    "jobs_referral",
    "jobs_direct",
    "buddy_pairs_started",
    "buddy_pairs_ended",
    "introductions",
    "outflow",
    "days_to_work_total",
    "retention_6m_due",
    "retention_6m_working",
    "retention_12m_due",
    "retention_12m_working",
    "retention_6m_answered",
    "retention_12m_answered",
]
# Counted per visit (the visited employer's municipality); every other figure is about a person.
VISIT_FIELDS = ["visits_held", "alderman_visits"]
PERSON_FIELDS = [f for f in COUNT_FIELDS if f not in VISIT_FIELDS]


class DailyFigures(models.Model):
    """The figures of one municipality on one day (see the module docstring for the rules)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="daily_figures",
        verbose_name=_("municipality"),
    )
    day = models.DateField(_("day"))
    visits_held = models.PositiveIntegerField(_("visits held"), default=0)
    alderman_visits = models.PositiveIntegerField(_("visits with an alderman"), default=0)
    visit_jobseekers = models.PositiveIntegerField(_("job seekers who joined visits"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    proposals = models.PositiveIntegerField(_("proposals"), default=0)
    proposals_interested = models.PositiveIntegerField(_("answered: interested"), default=0)
    proposals_not_now = models.PositiveIntegerField(_("answered: not now"), default=0)
    proposals_declined = models.PositiveIntegerField(_("answered: no"), default=0)
    placements_started = models.PositiveIntegerField(_("placements started"), default=0)
    placements_completed = models.PositiveIntegerField(_("placements completed"), default=0)
    placements_ended_early = models.PositiveIntegerField(_("placements ended early"), default=0)
    jobs_visit = models.PositiveIntegerField(_("jobs via a company visit"), default=0)
    jobs_placement = models.PositiveIntegerField(_("jobs via a placement"), default=0)
    jobs_buddy = models.PositiveIntegerField(_("jobs via a buddy"), default=0)
    jobs_referral = models.PositiveIntegerField(_("jobs via a referral"), default=0)
    jobs_direct = models.PositiveIntegerField(_("jobs found directly"), default=0)
    buddy_pairs_started = models.PositiveIntegerField(_("buddy pairs started"), default=0)
    buddy_pairs_ended = models.PositiveIntegerField(_("buddy pairs ended"), default=0)
    introductions = models.PositiveIntegerField(_("introductions made"), default=0)
    outflow = models.PositiveIntegerField(
        _("outflow from benefits"),
        default=0,
        help_text=_("Job seekers with a benefit whose first paid job started on this day."),
    )
    days_to_work_total = models.PositiveIntegerField(
        _("days from first contact to work (sum)"), default=0
    )
    retention_6m_due = models.PositiveIntegerField(_("outflow at least 6 months ago"), default=0)
    retention_6m_working = models.PositiveIntegerField(
        _("of whom still working after 6 months (answered)"), default=0
    )
    retention_12m_due = models.PositiveIntegerField(_("outflow at least 12 months ago"), default=0)
    retention_12m_working = models.PositiveIntegerField(
        _("of whom still working after 12 months (answered)"), default=0
    )
    retention_6m_answered = models.PositiveIntegerField(
        _("of whom the 6-month check was answered"), default=0
    )
    retention_12m_answered = models.PositiveIntegerField(
        _("of whom the 12-month check was answered"), default=0
    )
    rolled_up_at = models.DateTimeField(_("rolled up at"))

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        ordering = ["day", "municipality_id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "day"], name="stats_figures_once")
        ]
        indexes = [models.Index(fields=["day"], name="stats_figures_day_idx")]

    def __str__(self):
        return f"{self.municipality_id} {self.day}"


class RollupState(models.Model):
    """Where the incremental roll-up left off (a single row, pk=1)."""

    watermark = models.DateTimeField(
        _("changes seen up to"),
        null=True,
        help_text=_("Rows changed after this moment are rolled up at the next run."),
    )
    as_of = models.DateField(_("reference date of the last run"), null=True)
    last_full_rebuild_at = models.DateTimeField(_("last full rebuild"), null=True)
    last_run_at = models.DateTimeField(_("last run"), null=True)
    last_run_days = models.PositiveIntegerField(_("days recomputed at the last run"), default=0)
    last_run_seconds = models.FloatField(_("duration of the last run (s)"), default=0)

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up state")

    def __str__(self):
        return f"roll-up up to {self.watermark}"


class PersonFigures(models.Model):
    """What one job seeker adds to the figures of one day (the person figures only, see
    PERSON_FIELDS; a zero is stored as NULL, which takes no room). Kept by the roll-up so that
    an incremental run can take a changed person's old contribution off the daily figures and
    add the new one, whatever changed (a move, a new job, an answer), without recomputing whole
    days. Internal to the roll-up: nothing reads it but stats.services. ``jobseeker_id`` and
    ``municipality_id`` are plain numbers: the rows of a person who is deleted stay until the
    next full rebuild, as their figures do."""

    pk = models.CompositePrimaryKey("jobseeker_id", "day")
    jobseeker_id = models.IntegerField(_("job seeker"))
    day = models.DateField(_("day"))
    municipality_id = models.IntegerField(_("municipality"))
    visit_jobseekers = models.IntegerField(null=True)
    clicks = models.IntegerField(null=True)
    proposals = models.IntegerField(null=True)
    proposals_interested = models.IntegerField(null=True)
    proposals_not_now = models.IntegerField(null=True)
    proposals_declined = models.IntegerField(null=True)
    placements_started = models.IntegerField(null=True)
    placements_completed = models.IntegerField(null=True)
    placements_ended_early = models.IntegerField(null=True)
    jobs_visit = models.IntegerField(null=True)
    jobs_placement = models.IntegerField(null=True)
    jobs_buddy = models.IntegerField(null=True)
    jobs_referral = models.IntegerField(null=True)
    jobs_direct = models.IntegerField(null=True)
    buddy_pairs_started = models.IntegerField(null=True)
    buddy_pairs_ended = models.IntegerField(null=True)
    introductions = models.IntegerField(null=True)
    outflow = models.IntegerField(null=True)
    days_to_work_total = models.IntegerField(null=True)
    retention_6m_due = models.IntegerField(null=True)
    retention_6m_working = models.IntegerField(null=True)
    retention_12m_due = models.IntegerField(null=True)
    retention_12m_working = models.IntegerField(null=True)
    retention_6m_answered = models.IntegerField(null=True)
    retention_12m_answered = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("figures of one person on one day")
        verbose_name_plural = _("figures of one person on one day")

    def __str__(self):
        return f"{self.jobseeker_id} {self.day}"
