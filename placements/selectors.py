"""Reads of the pipeline: the board, aggregates for aldermen, and the anonymised profile."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from baanbrekers import disclosure, geo
from baanbrekers.models import User
from employers.models import OpeningKind, OpeningStatus
from jobseekers.models import JobSeeker

from .access import (
    matchable_openings,
)
from .models import (
    BuddyPairing,
    BuddyStatus,
    DevelopmentPlacement,
    Introduction,
    JobOutcome,
    PlacementOutcome,
    PlacementStatus,
    Proposal,
    ProposalAnswer,
)
from .transitions import is_ending_soon

BOARD_COLUMN_LIMIT = 50
PLACEMENT_COLUMNS = (
    "placements_proposed",
    "placements_agreed",
    "placements_active",
    "placements_finished",
)
# What a card shows of the records it names (their ``__str__`` and the board's templates): only
# these columns are read and turned into objects, not the whole file of every person and company
# on the board (most of the board's database time in Python was building those objects).
CARD_FIELDS = {
    "jobseeker": ("first_name", "last_name", "anonymised_on"),
    "employer": ("trade_name",),
    "opening": ("title", "kind", "employer"),
}


def pipeline_board(user: User) -> dict:
    """Proposals and placements by status for the back-office board; a fixed number of queries
    and at most BOARD_COLUMN_LIMIT cards per column whatever the size of the region.
    ``board["more"][key]``: the column (or the open offers) has more than it shows — each reads
    one row past the limit to know, so its heading never pretends the 50 shown are all."""
    proposals = Proposal.objects.visible_to(user)
    placements = DevelopmentPlacement.objects.visible_to(user)
    related = {
        Proposal: ("jobseeker", "opening", "opening__employer"),
        DevelopmentPlacement: ("jobseeker", "employer"),
    }
    today = timezone.localdate()
    # Ties end on the id: the narrow query that picks a column's cards and the one that loads
    # them must agree on the order (see _first_cards).
    columns = {
        "proposals_pending": proposals.filter(answer=ProposalAnswer.PENDING).order_by(
            "proposed_at", "pk"
        ),
        "proposals_interested": proposals.filter(answer=ProposalAnswer.INTERESTED).order_by(
            "-answered_at", "-pk"
        ),
        "placements_proposed": placements.filter(status=PlacementStatus.PROPOSED).order_by(
            "start_date", "pk"
        ),
        "placements_agreed": placements.filter(status=PlacementStatus.AGREED).order_by(
            "start_date", "pk"
        ),
        "placements_active": placements.filter(status=PlacementStatus.ACTIVE).order_by(
            "planned_end_date", "pk"
        ),
        # Where a card lands when it is completed or ended from the board: the latest first.
        "placements_finished": placements.filter(
            status__in=[PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY]
        ).order_by(F("ended_on").desc(nulls_last=True), "-pk"),
    }
    board = {key: _first_cards(qs, related[qs.model]) for key, qs in columns.items()}
    # Where matching starts: the open offers of the user's region, newest first.
    board["openings"] = list(
        matchable_openings(user)
        .filter(status=OpeningStatus.OPEN, kind__in=[OpeningKind.PLACEMENT, OpeningKind.VACANCY])
        .select_related("employer")
        .only(*CARD_FIELDS["opening"], *_card_fields("employer"))
        .order_by("-created_at", "-pk")[: BOARD_COLUMN_LIMIT + 1]
    )
    board["more"] = {}
    for key in (*columns, "openings"):
        # The row past the limit only says there are more; it is not shown.
        board["more"][key] = len(board[key]) > BOARD_COLUMN_LIMIT
        del board[key][BOARD_COLUMN_LIMIT:]
    for key in PLACEMENT_COLUMNS:
        for placement in board[key]:
            # Only a running placement ends soon. Every card gets the flag: the template reads
            # it on each card, and a missing attribute is a slow lookup in the template engine.
            placement.ending_soon = key == "placements_active" and is_ending_soon(placement, today)
    # The cards' labels, each choice translated once: ``get_FOO_display`` translates every
    # choice of the field again on each call (about a thousand translations for a full board).
    status, outcome = _labels(PlacementStatus), _labels(PlacementOutcome)
    for placement in board["placements_finished"]:
        placement.status_label = status.get(placement.status, placement.status)
        placement.outcome_label = outcome.get(placement.outcome, placement.outcome)
    kinds = _labels(OpeningKind)
    for opening in board["openings"]:
        opening.kind_label = kinds.get(opening.kind, opening.kind)
    return board


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _first_cards(qs, related: tuple) -> list:
    """The first BOARD_COLUMN_LIMIT rows of a column (scoped, filtered and ordered ``qs``) and
    the one after them, if any, in one query: a narrow subquery picks the ids, and only those rows
    are joined to ``related`` (not every proposal of the user's municipalities before the LIMIT),
    in the same order."""
    first = qs.values("pk")[: BOARD_COLUMN_LIMIT + 1]
    # The card's own row whole (the transitions table's guards read it); of the related records
    # only what the card shows.
    own = [field.name for field in qs.model._meta.concrete_fields]
    return list(
        qs.model.objects.filter(pk__in=first)
        .select_related(*related)
        .only(*own, *(name for path in related for name in _card_fields(path)))
        .order_by(*qs.query.order_by)
    )


def _card_fields(path: str) -> list[str]:
    """``CARD_FIELDS`` of the record at ``path`` (``opening__employer``), as lookups."""
    return [f"{path}__{name}" for name in CARD_FIELDS[path.rsplit("__", 1)[-1]]]


def pipeline_counts(user: User) -> dict:
    """Aggregates only (no person) for the user's municipalities, through disclosure control
    (baanbrekers.disclosure): what aldermen may see.
    Coordinators get the whole region; everyone else their own municipalities."""
    municipality_ids = list(user.municipalities.values_list("pk", flat=True))
    in_scope = Q() if user.is_coordinator else Q(jobseeker__municipality_id__in=municipality_ids)
    # Proposals and placements hold the person's municipality themselves (OWN_MUNICIPALITY).
    own_scope = Q() if user.is_coordinator else Q(municipality_id__in=municipality_ids)
    proposals = Proposal.objects.filter(own_scope).aggregate(
        pending=Count("pk", filter=Q(answer=ProposalAnswer.PENDING)),
        interested=Count("pk", filter=Q(answer=ProposalAnswer.INTERESTED)),
        total=Count("pk"),
    )
    placements = DevelopmentPlacement.objects.filter(own_scope).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in PlacementStatus.values}
    )
    jobs = JobOutcome.objects.filter(in_scope).aggregate(
        total=Count("pk"),
        **{
            f"route_{route}": Count("pk", filter=Q(route=route))
            for route in ("visit", "placement", "buddy", "referral", "direct")
        },
    )
    buddies = BuddyPairing.objects.filter(in_scope).aggregate(
        active=Count("pk", filter=Q(status=BuddyStatus.ACTIVE)), total=Count("pk")
    )
    introductions = Introduction.objects.filter(
        Q() if user.is_coordinator else Q(pairing__jobseeker__municipality_id__in=municipality_ids)
    ).count()
    # Aldermen see these counts through disclosure control (DESIGN.md section 4), never exact.
    return {
        "proposals": disclosure.counts_shown(proposals),
        "placements": disclosure.counts_shown(placements),
        "jobs": disclosure.counts_shown(jobs),
        "buddies": disclosure.counts_shown(buddies),
        "introductions": disclosure.count_shown(introductions),
    }


def job_outcome_list(user: User):
    return (
        JobOutcome.objects.visible_to(user)
        .select_related("jobseeker", "employer")
        .order_by("-start_date", "-pk")
    )


def buddy_pairing_list(user: User):
    return (
        BuddyPairing.objects.visible_to(user)
        .select_related("jobseeker")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            introduction_count=Count("introductions", distinct=True),
        )
        .order_by("status", "-start_date", "-pk")
    )


def anonymised_profile(jobseeker: JobSeeker, *, skills=None, interests=None) -> dict:
    """What an employer may see of a proposed job seeker (DESIGN.md §4): first name and initial,
    skills, interests, hours, area. Never the BSN, benefit, limitations, birth date or contact
    details. Pass prefetched ``skills``/``interests`` to avoid queries."""
    area = geo.area(jobseeker.postcode)
    return {
        "display_name": jobseeker.initials_name,
        "skills": sorted(
            s.name for s in (skills if skills is not None else jobseeker.skills.all())
        ),
        "interests": sorted(
            s.name for s in (interests if interests is not None else jobseeker.interests.all())
        ),
        "hours_available": jobseeker.hours_available,
        "area": area.place if area else "",
        "education_level": jobseeker.get_education_level_display()
        if jobseeker.education_level
        else "",
        "dutch_level": jobseeker.get_dutch_level_display() if jobseeker.dutch_level else "",
        "has_driving_licence": jobseeker.has_driving_licence,
    }
