"""The employer portal's own records: how a portal account gets linked to a company.

A portal account sees nothing of a company until an ``EmployerContact`` row links it. That link
is made in exactly two ways: the person accepts an ``Invitation`` a caseworker sent, or a
caseworker of the company's municipality approves the person's ``CompanyClaim``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.validators import validate_kvk_number
from employers.models import Employer, EmployerContact


class Invitation(models.Model):
    """A caseworker invites a person to the portal for a known employer.

    Only a keyed hash of the secret token is stored; the token itself is in the emailed link.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("employer")
    )
    contact = models.ForeignKey(
        EmployerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("contact person"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    token_hash = models.CharField(_("token (keyed hash)"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.employer}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class CompanyClaim(models.Model):
    """A portal user asks to represent a company, found by its KvK number. Nothing of the company
    is shown until a caseworker of its municipality approves.

    A KvK number we do not know yet is recorded too, without ``employer``: a request for the
    coordinators to register the company (the answer to the user is the same either way, so a
    claim never tells whether a KvK number is known)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_claims",
        verbose_name=_("portal account"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("employer"),
        help_text=_("Empty while no company with this KvK number is registered."),
    )
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk_number])
    job_title = models.CharField(_("your role at the company"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ClaimStatus.choices,
        default=ClaimStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company claim")
        verbose_name_plural = _("company claims")
        ordering = ["-created_at"]
        constraints = [
            # One open request per person and KvK number, known company or not.
            models.UniqueConstraint(
                fields=["user", "kvk_number"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user_kvk",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.employer}"


class PaidWorkIntent(models.TextChoices):
    YES = "yes", _("Yes, we would like to offer paid work")
    MAYBE = "maybe", _("Perhaps; let us talk about it")
    NO = "no", _("No, not at our company")


class PaidWorkAnswer(models.Model):
    """Before a placement ends the supervisor is asked whether paid work can follow."""

    placement = models.OneToOneField(
        "placements.DevelopmentPlacement",
        on_delete=models.CASCADE,
        related_name="paid_work_answer",
        verbose_name=_("placement"),
    )
    intent = models.CharField(
        _("paid work after the placement?"), max_length=5, choices=PaidWorkIntent.choices
    )
    note = models.TextField(_("explanation"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("paid work answer")
        verbose_name_plural = _("paid work answers")

    def __str__(self):
        return f"{self.placement}: {self.intent}"
