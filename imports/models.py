"""Imports of spreadsheets (issue 16): the job, its issues and row results, saved layouts, and
the uploaded file, kept encrypted in parts until the import is done or expires.

Nothing here holds a clear BSN: the file's bytes are Fernet tokens (``baanbrekers.crypto``),
issues carry Dutch messages that never repeat a BSN, and row labels mask it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import is_coordinator


class ImportKind(models.TextChoices):
    EMPLOYERS = "employers", _("Employers")
    JOBSEEKERS = "jobseekers", _("Job seekers")
    OPENINGS = "openings", _("Openings")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPING = "mapping", _("Choose the columns")
    VALIDATING = "validating", _("Checking")
    READY = "ready", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# A job in one of these still has work running in the background (a task may be busy with it).
RUNNING_STATUSES = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
# Finished: the file is gone and nothing can happen to the job any more.
FINAL_STATUSES = (
    ImportStatus.DONE,
    ImportStatus.FAILED,
    ImportStatus.CANCELLED,
    ImportStatus.EXPIRED,
)


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class RowAction(models.TextChoices):
    CREATE = "create", _("New")
    UPDATE = "update", _("Changed")
    SKIP = "skip", _("Unchanged")
    ERROR = "error", _("Error")


class IssueLevel(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class ImportLayout(models.Model):
    """A named column mapping (and value mapping) saved for the next import of the same kind of
    file: which header means which field, which word means which choice."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    columns = models.JSONField(_("columns"), default=dict, blank=True)  # header -> field key
    values = models.JSONField(_("values"), default=dict, blank=True)  # field -> {raw -> choice}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import layout")
        verbose_name_plural = _("import layouts")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="import_layout_kind_name_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports are the coordinators' (who see every municipality): all jobs for them,
        none for anyone else."""
        return self if is_coordinator(user) else self.none()

    def running(self):
        return self.filter(status__in=RUNNING_STATUSES)


class ImportJob(models.Model):
    """One uploaded file on its way in: mapping, dry run, confirmation, report.

    ``processed_rows`` is written from a second database connection while the import's own
    transaction is open (imports/services.py), so a page sees progress before the commit.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
        db_index=True,
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_mapping = models.JSONField(_("value mapping"), default=dict, blank=True)
    layout = models.ForeignKey(
        ImportLayout,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("layout"),
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    failure = models.TextField(_("reason of failure"), blank=True)
    # Confirmed with "skip the rows with errors": those rows are left out, the rest is imported
    # all or nothing; without it a single error refuses the confirmation.
    skip_error_rows = models.BooleanField(_("rows with errors skipped"), default=False)
    task_id = models.CharField(_("task"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the running dry run or import started: a job still "validating" or "importing" long
    # after it (its task died) is failed by the housekeeping (services.imports_expire).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="import_status_expiry_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:preview", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in FINAL_STATUSES else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def error_count(self) -> int:
        return int((self.counts or {}).get("error", 0))

    @property
    def can_confirm(self) -> bool:
        """Checked, without errors, and the file still there."""
        return (
            self.status == ImportStatus.READY
            and self.error_count == 0
            and self.file_deleted_at is None
        )

    @property
    def can_confirm_skipping_errors(self) -> bool:
        """Checked, with errors, but with some rows that can be imported."""
        rows_ok = self.total_rows - self.error_count
        return (
            self.status == ImportStatus.READY
            and self.error_count > 0
            and rows_ok > 0
            and self.file_deleted_at is None
        )


class ImportFilePart(models.Model):
    """A part (about 1 MB) of the uploaded file, encrypted: read back part by part, so a large
    file is never held whole in memory. Deleted when the import ends or expires."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="parts", verbose_name=_("import")
    )
    seq = models.PositiveIntegerField(_("sequence"))
    # Named *_encrypted so that key rotation (manage.py rotate_encryption_keys) finds it.
    data_encrypted = models.TextField(_("data (encrypted)"))

    class Meta:
        verbose_name = _("import file part")
        verbose_name_plural = _("import file parts")
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="import_file_part_once")]

    def __str__(self):
        return f"{self.job_id}/{self.seq}"


class ImportRowIssue(models.Model):
    """An error or warning about one row (and column) of the file, in Dutch; never a BSN."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="issues", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"))  # the spreadsheet's row, header is 1
    column = models.CharField(_("column"), max_length=255, blank=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    message = models.TextField(_("message"))
    level = models.CharField(_("level"), max_length=8, choices=IssueLevel.choices)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["job", "row_number", "column", "id"]
        indexes = [models.Index(fields=["job", "level", "row_number"], name="import_issue_idx")]

    def __str__(self):
        return f"{self.row_number} {self.column}: {self.message}"


class ImportRowResult(models.Model):
    """What the dry run would do, and after the import did, with one row: its record's masked
    label and (after the import) the record's id."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="results", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=8, choices=RowAction.choices)
    label = models.CharField(_("record"), max_length=255, blank=True)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("import row result")
        verbose_name_plural = _("import row results")
        ordering = ["job", "row_number"]
        indexes = [models.Index(fields=["job", "action", "row_number"], name="import_result_idx")]

    def __str__(self):
        return f"{self.row_number} {self.action}"
