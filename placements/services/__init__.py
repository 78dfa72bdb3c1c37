"""Use cases of the pipeline: propose, answer, place, evaluate, record a job, pair a buddy.

One module per use case; this package re-exports the public names so that
``from placements.services import X`` and ``services.X`` keep working.

Placement status is a small state machine with one function per transition (``placements.py``);
which transition is allowed, for whom and when, is declared once in ``placements.transitions``.
"""

from ._common import add_months
from .buddies import (
    buddy_meeting_record,
    buddy_pairing_create,
    buddy_pairing_end,
    introduction_record,
)
from .evaluations import evaluation_correct, evaluation_may_correct
from .jobs import (
    job_check_record,
    job_checks_due_later,
    job_checks_open,
    job_outcome_end,
    job_outcome_record,
    job_retention_due_on,
)
from .placements import (
    PLACEMENT_REMINDER_KINDS,
    checkin_record,
    default_planned_end,
    evaluation_record,
    placement_agree,
    placement_complete,
    placement_confirm_no_displacement,
    placement_create,
    placement_end_early,
    placement_extend,
    placement_start,
    placement_update,
)
from .proposals import proposal_agree_introduction, proposal_answer, proposal_create

__all__ = [
    "PLACEMENT_REMINDER_KINDS",
    "add_months",
    "buddy_meeting_record",
    "buddy_pairing_create",
    "buddy_pairing_end",
    "checkin_record",
    "default_planned_end",
    "evaluation_correct",
    "evaluation_may_correct",
    "evaluation_record",
    "introduction_record",
    "job_check_record",
    "job_checks_due_later",
    "job_checks_open",
    "job_outcome_end",
    "job_outcome_record",
    "job_retention_due_on",
    "placement_agree",
    "placement_complete",
    "placement_confirm_no_displacement",
    "placement_create",
    "placement_end_early",
    "placement_extend",
    "placement_start",
    "placement_update",
    "proposal_agree_introduction",
    "proposal_answer",
    "proposal_create",
]
