"""Project-wide models: users and their roles, municipalities and teams."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    COORDINATOR = "coordinator", _("Coordinator")
    ALDERMAN = "alderman", _("Alderman")
    EMPLOYER_CONTACT = "employer_contact", _("Employer contact")


# Roles that work for the werkbedrijf or the municipality: they use two-factor authentication
# and the stricter idle timeout.
STAFF_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN})

cbs_code_validator = RegexValidator(
    r"^GM\d{4}$", _("Enter a CBS municipality code such as GM0797.")
)


class Municipality(models.Model):
    """A municipality (gemeente) served by this werkbedrijf, identified by its CBS code."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS code"), max_length=6, unique=True, validators=[cbs_code_validator]
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A team of caseworkers, serving one or more municipalities."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="teams", blank=True, verbose_name=_("municipalities")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


def user_label(first_name: str, last_name: str, email: str) -> str:
    """How a user is named everywhere: the full name, else the email address (``User.__str__``,
    and option lists that read only these three columns)."""
    return f"{first_name} {last_name}".strip() or email


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.COORDINATOR)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in, with the email address as login name and exactly one role."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="users",
        blank=True,
        verbose_name=_("municipalities"),
        help_text=_("Caseworkers and aldermen work for these municipalities."),
    )
    teams = models.ManyToManyField(
        Team, related_name="members", blank=True, verbose_name=_("teams")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return user_label(self.first_name, self.last_name, self.email)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_caseworker(self) -> bool:
        return self.role == Role.CASEWORKER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR or self.is_superuser

    @property
    def is_alderman(self) -> bool:
        return self.role == Role.ALDERMAN

    @property
    def is_employer_contact(self) -> bool:
        return self.role == Role.EMPLOYER_CONTACT


class Skill(models.Model):
    """One concept of the shared vocabulary of skills, competences and interests (hobbies too).

    Job seekers' skills and interests and the competences employers seek all point here, so that
    matching compares like with like. The vocabulary grows as caseworkers type: see
    ``skills_from_names``. Names are unique regardless of case.

    Like a small SKOS thesaurus, a concept has synonyms (``alt_labels``) and broader concepts
    (``broader``; the reverse is ``narrower``); a *field of work* (``is_field``) is a top concept
    that matching treats as a theme. A word typed by a caseworker that is another concept's
    synonym stays its own row and counts as that concept (``matching.concepts``). The base
    vocabulary comes from ``baanbrekers/data/vocabulary.json``; coordinators edit it in the admin.
    """

    name = models.CharField(_("name"), max_length=80)
    alt_labels = ArrayField(
        models.CharField(max_length=80),
        verbose_name=_("synonyms"),
        default=list,
        blank=True,
        help_text=_("Other words for the same skill, separated by commas."),
    )
    broader = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="narrower",
        blank=True,
        verbose_name=_("broader terms"),
        help_text=_("The more general skills this one falls under (welding → metalworking)."),
    )
    is_field = models.BooleanField(
        _("field of work"),
        default=False,
        help_text=_(
            "A field of work (technical, care, logistics...): matching treats everything under it "
            "as sharing a theme."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill or interest")
        verbose_name_plural = _("skills and interests")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="skill_name_unique_ci")
        ]

    def __str__(self):
        return self.name


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    REVEAL = "reveal", _("revealed a protected value")
    EXPORT = "export", _("exported")
    SEARCH = "search", _("searched by a protected value")


class AuditEvent(models.Model):
    """Who viewed or changed which personal record, and when. Append-only.

    The database refuses UPDATE and DELETE on this table (a trigger, see the migration), so not
    even a bug or a coordinator in the admin can rewrite history. ``object_repr`` and ``detail``
    never hold the protected values themselves (no BSN).
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # No database constraint: deleting a user must not rewrite (or block on) their history.
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_email = models.EmailField(_("actor email"), blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_repr}"


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    # The mail is in the outbox and on its way; "sent" once the mail server accepted it.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The sender stopped while the mail server had the message: it may or may not have arrived,
    # and only a person can tell (baanbrekers.followups, "exactly-once sending").
    UNCERTAIN = "uncertain", _("Delivery uncertain")
    CANCELLED = "cancelled", _("Cancelled")


class SendFailure(models.TextChoices):
    """Why a follow-up's mail did not (certainly) go out: what the coordinator reads."""

    NO_RECIPIENT = "no_recipient", _("No recipient: neither an address nor an owner")
    INVALID_ADDRESS = "invalid_address", _("The email address is not valid")
    REJECTED = "rejected", _("The mail server refused the message")
    GAVE_UP = "gave_up", _("Sending kept failing; stopped trying")
    UNCERTAIN = "uncertain", _("Sending was interrupted; the mail may or may not have arrived")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "uncertain", _("Delivery uncertain")


class FollowUp(models.Model):
    """A follow-up that keeps a contact warm: due at a moment, sent once, then done.

    Rows are made by the apps' services in the same transaction as what caused them (a visit
    report, a placement, a consent); the background jobs send what is due (the database is the
    source of truth, so a lost message delays a follow-up but never loses it). ``subject_type`` and
    ``subject_id`` name the record it is about (e.g. ``visits.Visit`` 12); ``kind`` says which rule
    made it, and (kind, subject, due_on) is unique so a rule that runs twice makes one row.

    The title (and, where the kind has one, the details) is not stored as text in one language:
    the row keeps its ``kind`` and ``params``, and ``title``/``body`` render the kind's template
    (baanbrekers.followups, the kind registry) in the active language when shown and in the
    recipient's language when sent. ``title_text``/``body_text`` hold the Dutch rendering made
    when the row was scheduled: what the admin searches, and the text shown for rows made before
    kinds had templates (``params`` is null there).
    """

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    params = models.JSONField(
        _("parameters"),
        null=True,
        blank=True,
        help_text=_("What the kind's title template is filled with; empty for older rows."),
    )
    title_text = models.CharField(_("title"), max_length=200, db_column="title")
    body_text = models.TextField(_("details"), blank=True, db_column="body")
    subject_type = models.CharField(_("about (type)"), max_length=100)
    subject_id = models.CharField(_("about (id)"), max_length=40)
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("assigned to"),
    )
    recipient_email = models.EmailField(
        _("send to"), blank=True, help_text=_("Empty: the assignee is reminded.")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.PENDING,
        db_index=True,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failure = models.CharField(
        _("reason it was not sent"), max_length=20, choices=SendFailure.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="followup_due_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="followup_subject_idx"),
            models.Index(fields=["assignee", "status", "due_on"], name="followup_assignee_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "due_on"],
                name="followup_once_per_rule",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.due_on})"

    @property
    def title(self) -> str:
        """The title in the active language, from the kind's template and ``params``."""
        from .followups import followup_render_title

        return followup_render_title(self)

    @title.setter
    def title(self, value: str) -> None:
        # Lets FollowUp(title=...) make a row with a fixed text (params stay null).
        self.title_text = value

    @property
    def body(self) -> str:
        """The details in the active language: the kind's template if it has one, else the text
        stored with the row (a report's notes, say)."""
        from .followups import followup_render_body

        return followup_render_body(self)

    @body.setter
    def body(self, value: str) -> None:
        self.body_text = value


class OutboxEmail(models.Model):
    """A follow-up's email: rendered once, then delivered at most once.

    The row is written (status "queued") in the same transaction that takes the follow-up off
    the due list. Delivery claims it ("sending", committed) before the message leaves, and marks
    it "sent" after the mail server accepted it. A row still "sending" after
    ``OUTBOX_SENDING_TIMEOUT`` belongs to a sender that stopped half-way: it is marked
    "uncertain", never sent again by itself (baanbrekers.followups). The Message-ID is derived
    from the follow-up, so a resend a coordinator asks for carries the same one.
    """

    followup = models.OneToOneField(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email",
        verbose_name=_("follow-up"),
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.QUEUED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_queued_idx",
                condition=models.Q(status="queued"),
            ),
            models.Index(
                fields=["sending_started_at"],
                name="outbox_sending_idx",
                condition=models.Q(status="sending"),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"
