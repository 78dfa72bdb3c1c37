"""Use cases of the imports (issue 16): upload, mapping, dry run, confirmation, cancelling,
expiry. Pages call these; the tasks (imports/tasks.py) run the long parts.

The flow
--------
``import_upload`` stores the file encrypted (imports/readers.py), finds its format, encoding,
delimiter and headers, counts its rows and proposes a mapping (the latest saved layout that
fits, else the headers' Dutch and English names, imports/layouts.py). ``import_mapping_set``
checks and saves the coordinator's mapping (and, named, a layout). ``import_dry_run_start`` and
``import_confirm`` run the *same* row engine (``_Engine``) twice:

- the **dry run** processes every row through the owning app's services (``jobseeker_create``,
  ``employer_update``...) inside a transaction per batch that is always rolled back, so each row
  is checked by exactly the rules a form applies (eleven-test, KvK, limits table, postcode in
  the region, phone and e-mail, uniqueness against what is stored) and counted as create,
  update or skip; errors and warnings are kept per row and column, in Dutch;
- the **import** processes them again in one transaction for the whole file: the first error
  rolls everything back and the job fails with its reason (all or nothing per file). After a
  dry run with errors it is refused, unless the coordinator explicitly confirms "skip the rows
  with errors": those rows are then left out (each in a savepoint, so a half-written row leaves
  nothing) and listed in the report with their errors, and the rest is imported all or nothing.
  Nothing is lost silently: every row left out is named.

Per batch rather than per row: the stored records the batch's keys match (one query, with
their skills), and the new job seekers' files: each row is checked by ``jobseeker_build`` (the
checks of ``jobseeker_create``) and the batch's new files are written together by
``jobseekers_create_many`` (the writes of ``jobseeker_create``, which is that function for one
file: the same audit event per person, skills and interests); a clash found only then is
retried one by one so that it is the row's own error. The region check of every postcode reads
the municipalities we serve once per run (``validators.served_municipalities_read_once``), not
once per row. About 2 queries per new row instead of 11 (the file's municipality check and its
audit event, both in ``jobseekers_create_many``/``jobseeker_build``).

Matching keys: employers by KvK number; job seekers by the BSN's keyed hash
(``baanbrekers.crypto.keyed_hash``, never the clear BSN); openings by the employer's KvK number
plus the title (case-insensitive; the oldest such opening when there are several); an
employer's contact person by e-mail address, else by name. A row whose key the file already had
is skipped with a warning when it is the same row again, and an error when it says something
else. A record is only changed when a value differs, so a second run of the same file changes
nothing ("skip"). An empty cell never clears a stored value.

Progress and cancelling: the import's own transaction is open for the whole file, so its
progress (``processed_rows``) is written through a second database connection in autocommit,
and a cancel (a committed status change by ``import_cancel``) is read between batches; the
final step locks the job row, so a cancel and the commit cannot both win.

BSNs never appear in messages, logs, row labels (the model's ``masked_bsn``) or the audit log.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baanbrekers import crypto, geo, validators
from baanbrekers.access import back_office_staff, is_coordinator
from baanbrekers.models import AuditAction, Municipality, User
from baanbrekers.services import audit_record
from employers import services as employer_services
from employers.models import Employer, EmployerContact, Opening, Sector
from jobseekers import services as jobseeker_services
from jobseekers.models import Consent, JobSeeker
from matching.concepts import Vocabulary

from . import layouts, readers
from .layouts import ImportField
from .models import (
    FINAL_STATUSES,
    RUNNING_STATUSES,
    FileFormat,
    ImportFilePart,
    ImportJob,
    ImportKind,
    ImportLayout,
    ImportRowIssue,
    ImportRowResult,
    ImportStatus,
    IssueLevel,
    RowAction,
)

logger = logging.getLogger(__name__)

# The hard time limit (seconds) of the import tasks (imports/tasks.py): longer than Celery's
# default, 50,000 rows take minutes. A job still running this long after it started (plus
# STUCK_MARGIN) has lost its task and is failed by the housekeeping.
TASK_TIME_LIMIT = 3300
STUCK_MARGIN = datetime.timedelta(minutes=15)
# Row results (their labels name people) and issues of a finished import are kept this many
# days for its report page, then deleted; the job's counts and report (no names) stay.
REPORT_DAYS = 30


class ImportFileError(ValidationError):
    """The uploaded file cannot be imported (unreadable, empty, too large); Dutch message."""


class ImportCancelled(Exception):
    pass


@dataclass
class RowFailed(Exception):
    """A row's error during the import itself: the whole file rolls back."""

    row_number: int
    column: str
    message: str


def _require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise PermissionError("only coordinators import and export")


# --- Words that may be a BSN -----------------------------------------------------------------
# A column mapped by mistake (a BSN column as a choice field) must not put BSNs on the mapping
# page, in messages or in saved value mappings and layouts. Any word shaped like a BSN (9
# digits, or 8 with the leading zero lost, dots, spaces or dashes allowed) counts, whether or
# not it passes the eleven-test: a mistyped BSN still names a person.
_MASK = "*****"  # JobSeeker.masked_bsn's form: "*****" + the last 4 digits


def looks_like_bsn(word) -> bool:
    return bool(re.fullmatch(r"\d{8,9}", re.sub(r"[\s.\-]", "", str(word or ""))))


def _shown_word(word: str) -> str:
    """The word as a page may show it: masked when it may be a BSN."""
    if looks_like_bsn(word):
        return _MASK + re.sub(r"[\s.\-]", "", word)[-4:]
    return word


def _storable_word(word: str) -> bool:
    """May this word of the file be saved in a value mapping or layout? Not a BSN, nor a
    masked one (it would never match a cell anyway)."""
    return not looks_like_bsn(word) and not str(word).startswith(_MASK)


# --- Reading a stored file -------------------------------------------------------------------
def _parts(job: ImportJob) -> Iterator[bytes]:
    # One query per part rather than a server-side cursor: a reader abandoned half-way (an
    # error, a cancel) leaves no cursor behind in a transaction that is rolled back.
    ids = list(ImportFilePart.objects.filter(job=job).order_by("seq").values_list("pk", flat=True))
    for pk in ids:
        token = (
            ImportFilePart.objects.filter(pk=pk).values_list("data_encrypted", flat=True).first()
        )
        if token is None:  # deleted meanwhile (cancelled, expired)
            raise ImportCancelled
        yield readers.decrypt_part(token)


def _all_rows(job: ImportJob) -> Iterator[tuple[int, list]]:
    if job.file_format == FileFormat.XLSX:
        rows = readers.xlsx_rows(b"".join(_parts(job)))
    else:
        rows = readers.csv_rows(_parts(job), job.encoding, job.delimiter)
    return readers.numbered_rows(rows)


def job_rows(job: ImportJob) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells) of every non-empty data row, streamed."""
    rows = _all_rows(job)
    next(rows, None)  # the header
    yield from rows


def _file_delete(job: ImportJob) -> None:
    ImportFilePart.objects.filter(job=job).delete()
    ImportJob.objects.filter(pk=job.pk, file_deleted_at__isnull=True).update(
        file_deleted_at=timezone.now()
    )


# --- Upload ----------------------------------------------------------------------------------
def upload_too_large_error() -> ImportFileError:
    """The one message for a file over IMPORT_MAX_BYTES (the service's check and the view's,
    which refuses the body before it is stored: imports/uploads.py)."""
    return ImportFileError(
        _("The file is larger than %(mb)s MB; split it into smaller files.")
        % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )


def import_upload(*, user: User, kind: str, uploaded_file) -> ImportJob:
    """Stores the file encrypted and reads what it is: format, encoding, delimiter, headers,
    number of rows; proposes a mapping. Raises ImportFileError (nothing kept) for a file that
    is too large, unreadable, without rows or with more than IMPORT_MAX_ROWS."""
    _require_coordinator(user)
    if kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    too_large = upload_too_large_error()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise too_large
    filename = os.path.basename(getattr(uploaded_file, "name", "") or "import")[:255]
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            filename=filename,
            file_format=FileFormat.CSV,
            created_by=user,
            expires_at=timezone.now() + datetime.timedelta(hours=settings.IMPORT_UNCONFIRMED_HOURS),
        )
        total, probe, first = 0, None, b""
        for seq, chunk in enumerate(readers.chunks_of(uploaded_file)):
            total += len(chunk)
            if total > settings.IMPORT_MAX_BYTES:
                raise too_large
            if seq == 0:
                first = chunk
                try:
                    job.file_format = readers.detect_format(chunk, filename)
                except readers.UnreadableFile:
                    raise _unreadable() from None
                if job.file_format == FileFormat.CSV:
                    probe = readers.EncodingProbe(chunk)
            if probe is not None:
                probe.feed(chunk)
            ImportFilePart.objects.create(
                job=job, seq=seq, data_encrypted=readers.encrypt_part(chunk)
            )
        if total == 0:
            raise ImportFileError(_("The file is empty."), code="empty")
        if probe is not None:
            probe.feed(b"", final=True)
            job.encoding = probe.encoding
            sample = first[: readers.SNIFF_BYTES].decode(job.encoding, errors="ignore")
            job.delimiter = readers.sniff_delimiter(sample)
        job.file_size = total
        _read_shape(job)
        _propose(job)
        job.status = ImportStatus.MAPPING
        job.save()
    return job


def _unreadable() -> ImportFileError:
    return ImportFileError(
        _("This file cannot be read. Upload a CSV file or an Excel workbook (.xlsx)."),
        code="unreadable",
    )


def _read_shape(job: ImportJob) -> None:
    """Headers and number of data rows, reading the file once (streamed)."""
    try:
        rows = _all_rows(job)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("The file has no rows."), code="empty")
        job.headers = readers.unique_headers(header[1])
        count = 0
        for _row in rows:
            count += 1
            if count > settings.IMPORT_MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": settings.IMPORT_MAX_ROWS},
                    code="too_many_rows",
                )
    except readers.UnreadableFile:
        raise _unreadable() from None
    except UnicodeError:
        raise _unreadable() from None
    if count == 0:
        raise ImportFileError(
            _("The file has a header row but no data rows below it."), code="empty"
        )
    job.total_rows = count


def _propose(job: ImportJob) -> None:
    """The mapping of the saved layout of this kind that knows most of the headers (at least
    half), else the catalogue's proposal; headers the layout does not know are proposed too."""
    proposal = layouts.propose_mapping(job.kind, job.headers)
    best, best_score = None, 0
    for layout in ImportLayout.objects.filter(kind=job.kind).order_by("-updated_at"):
        score = sum(1 for header in job.headers if header in layout.columns)
        if score > best_score:
            best, best_score = layout, score
    if best is not None and best_score * 2 >= len(job.headers):
        known = {f.key for f in layouts.fields_of(job.kind)}
        from_layout = {
            h: best.columns[h] for h in job.headers if best.columns.get(h, "") in known | {""}
        }
        used = {v for v in from_layout.values() if v}
        for header in job.headers:
            if header not in from_layout:
                guess = proposal.get(header, "")
                from_layout[header] = guess if guess not in used else ""
        job.mapping = from_layout
        job.value_mapping = dict(best.values)
        job.layout = best
    else:
        job.mapping = proposal


# --- Mapping ---------------------------------------------------------------------------------
def import_mapping_set(
    *,
    user: User,
    job: ImportJob,
    mapping: dict[str, str],
    value_mapping: dict[str, dict[str, str]] | None = None,
    layout_name: str | None = None,
) -> ImportJob:
    """Saves the column mapping (header -> field key, "" for "not imported") and the value
    mapping (field -> {word in the file -> choice value}); a new mapping voids an earlier dry
    run. Raises ValidationError with Dutch messages (a list): a required field not mapped, a
    field mapped twice, an unknown header, field or choice."""
    _require_coordinator(user)
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY):
        raise ValidationError(_("This import can no longer be changed."), code="state")
    fields = {f.key: f for f in layouts.fields_of(job.kind)}
    errors: list[str] = []
    clean: dict[str, str] = {}
    for header, key in (mapping or {}).items():
        if header not in job.headers:
            errors.append(_("The file has no column “%(header)s”.") % {"header": header})
            continue
        key = key or ""
        if key and key not in fields:
            errors.append(_("Unknown field for column “%(header)s”.") % {"header": header})
            continue
        clean[header] = key
    for header in job.headers:
        clean.setdefault(header, "")
    chosen: dict[str, list[str]] = {}
    for header, key in clean.items():
        if key:
            chosen.setdefault(key, []).append(header)
    for key, headers in chosen.items():
        if len(headers) > 1:
            errors.append(
                _("“%(field)s” is chosen for more than one column: %(headers)s.")
                % {"field": fields[key].label, "headers": ", ".join(headers)}
            )
    for key, import_field in fields.items():
        if import_field.required and key not in chosen:
            errors.append(
                _("Choose the column that holds “%(field)s”; it is required.")
                % {"field": import_field.label}
            )
    values: dict[str, dict[str, str]] = {}
    for key, words in (value_mapping or {}).items():
        if key not in fields or not fields[key].is_choice:
            continue
        allowed = {value for value, _label in fields[key].choices()}
        for raw, value in (words or {}).items():
            if not value or not _storable_word(raw):
                continue
            if value not in allowed:
                errors.append(
                    _("“%(value)s” is not a choice of “%(field)s”.")
                    % {"value": value, "field": fields[key].label}
                )
                continue
            values.setdefault(key, {})[str(raw)] = value
    if errors:
        raise ValidationError(errors, code="mapping")
    with transaction.atomic():
        job.mapping = clean
        job.value_mapping = values
        job.status = ImportStatus.MAPPING
        job.counts = {}
        job.processed_rows = 0
        job.issues.all().delete()
        job.results.all().delete()
        if layout_name and layout_name.strip():
            layout, _created = ImportLayout.objects.update_or_create(
                kind=job.kind,
                name=layout_name.strip()[:100],
                defaults={
                    "columns": {h: k for h, k in clean.items() if k},
                    "values": values,
                    "created_by": user,
                },
            )
            job.layout = layout
        job.save()
    return job


def distinct_values(job: ImportJob, field_key: str, limit: int = 100) -> list[str]:
    """The different words in the column mapped to a choice field (for the value mapping),
    at most ``limit``; never for a field that is not a choice (so never the BSN), and a word
    that may be a BSN (a BSN column mapped to a choice field by mistake) masked."""
    if not layouts.field_of(job.kind, field_key).is_choice:
        return []
    return distinct_values_all(job, limit, only=field_key).get(field_key, [])


def distinct_values_all(
    job: ImportJob, limit: int = 100, only: str | None = None
) -> dict[str, list[str]]:
    """``distinct_values`` of every mapped choice field at once, reading the file once:
    {field key: words}."""
    if job.file_deleted_at is not None:
        return {}
    columns: dict[str, tuple[int, ImportField]] = {}
    for import_field in layouts.choice_fields(job.kind):
        if only is not None and import_field.key != only:
            continue
        headers = [h for h, k in job.mapping.items() if k == import_field.key]
        if headers:
            columns[import_field.key] = (job.headers.index(headers[0]), import_field)
    found: dict[str, dict[str, None]] = {key: {} for key in columns}
    if not columns:
        return {}
    open_columns = set(columns)
    for _number, cells in job_rows(job):
        for key in list(open_columns):
            index, import_field = columns[key]
            raw = readers.cell_text(cells[index]) if index < len(cells) else ""
            words = _split_list(raw) if import_field.kind == layouts.CHOICES else [raw]
            for word in words:
                if word:
                    found[key].setdefault(_shown_word(word), None)
            if len(found[key]) >= limit:
                open_columns.discard(key)
        if not open_columns:
            break
    return {key: list(words) for key, words in found.items()}


def value_proposal(job: ImportJob, field_key: str, words: list[str]) -> dict[str, str]:
    """{word: choice value or ""}: what the import would read each word as."""
    lookup = _value_lookup(job, layouts.field_of(job.kind, field_key))
    return {word: lookup(word) or "" for word in words}


def _value_lookup(job: ImportJob, import_field: ImportField):
    explicit = {
        layouts.header_key(k): v for k, v in job.value_mapping.get(import_field.key, {}).items()
    }
    known = layouts.choice_lookup(import_field)
    digit = re.compile(r"^\D*([1-6])\b")

    def lookup(word: str) -> str | None:
        key = layouts.header_key(word)
        found = explicit.get(key) or known.get(key)
        if found is None and import_field.key == "ladder_step":
            match = digit.match(key)
            found = match.group(1) if match else None
        if found is None and import_field.key == "sector":
            code = word.strip().split(" ")[0].upper()
            found = known.get(layouts.header_key(code))
        return found

    return lookup


# --- Starting, confirming, cancelling ---------------------------------------------------------
def import_dry_run_start(*, user: User, job: ImportJob) -> ImportJob:
    """Starts the dry run: inline for a small file (up to IMPORT_INLINE_ROWS rows; the job is
    then "ready" on return), else as Celery task ``imports.dry_run`` after commit. Two starts
    at once: one wins, the other gets a ValidationError."""
    _require_coordinator(user)
    if not any(job.mapping.values()):
        raise ValidationError(_("Choose the columns first."), code="state")
    if job.file_deleted_at is not None:
        raise ValidationError(_("The file of this import has been deleted."), code="state")
    started = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.MAPPING, ImportStatus.READY]
    ).update(
        status=ImportStatus.VALIDATING,
        processed_rows=0,
        counts={},
        failure="",
        started_at=timezone.now(),
    )
    if not started:
        raise ValidationError(_("This import is already being checked or has ended."), "state")
    job.refresh_from_db()
    if job.total_rows <= settings.IMPORT_INLINE_ROWS:
        return import_dry_run(job_id=job.pk)
    from .tasks import dry_run

    transaction.on_commit(lambda: dry_run.delay(job.pk))
    return job


def import_confirm(*, user: User, job: ImportJob, skip_error_rows: bool = False) -> ImportJob:
    """Starts the import proper after a dry run; inline for a small file, else Celery task
    ``imports.apply`` after commit. With errors in the dry run it is refused, unless the
    coordinator chose ``skip_error_rows``: then those rows are left out (and reported) and the
    other rows are imported, still all or nothing."""
    _require_coordinator(user)
    confirmed = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.READY, file_deleted_at__isnull=True
    )
    if not skip_error_rows:
        confirmed = confirmed.exclude(counts__error__gt=0)
    if not confirmed.update(
        status=ImportStatus.IMPORTING,
        confirmed_at=timezone.now(),
        started_at=timezone.now(),
        processed_rows=0,
        skip_error_rows=skip_error_rows,
    ):
        job.refresh_from_db()
        if job.status == ImportStatus.READY and job.error_count:
            raise ValidationError(
                _("Correct the errors in the file and upload it again; nothing was imported."),
                code="errors",
            )
        raise ValidationError(_("This import cannot be confirmed now."), code="state")
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=job,
        detail={
            "import": "confirmed",
            "kind": job.kind,
            "rows": job.total_rows,
            "skip_error_rows": skip_error_rows,
        },
    )
    job.refresh_from_db()
    if job.total_rows <= settings.IMPORT_INLINE_ROWS:
        return import_apply(job_id=job.pk)
    from .tasks import apply

    transaction.on_commit(lambda: apply.delay(job.pk))
    return job


def import_cancel(*, user: User, job: ImportJob) -> ImportJob:
    """Cancels an import that has not ended. A running task notices between batches and rolls
    back what it did; the file is deleted (now, or by that task). A job that ended meanwhile
    cannot be cancelled (ValidationError): the import's last step locks the job row."""
    _require_coordinator(user)
    running = job.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
    cancelled = ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINAL_STATUSES)
    if not cancelled.update(status=ImportStatus.CANCELLED, finished_at=timezone.now()):
        raise ValidationError(_("This import has already ended."), code="state")
    job.refresh_from_db()
    if not running:
        _file_delete(job)
        job.refresh_from_db()
    return job


def imports_expire() -> int:
    """Housekeeping: deletes the stored file of every import that ended, and of every import
    not confirmed within IMPORT_UNCONFIRMED_HOURS (status "expired"); fails an import whose
    task died (still checking or importing longer than the task may run, and no process holds
    its lock); deletes the row results and issues of imports finished more than REPORT_DAYS
    days ago. Returns how many files were deleted. Safe to run twice or beside a running
    import (running ones are left)."""
    now = timezone.now()
    count = _imports_fail_stuck(now)
    _imports_forget_rows(now)
    with_file = ImportJob.objects.filter(file_deleted_at__isnull=True)
    expired = list(
        with_file.filter(expires_at__lt=now)
        .exclude(status__in=[*FINAL_STATUSES, ImportStatus.VALIDATING, ImportStatus.IMPORTING])
        .values_list("pk", flat=True)
    )
    ImportJob.objects.filter(pk__in=expired).exclude(status__in=FINAL_STATUSES).exclude(
        status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]
    ).update(status=ImportStatus.EXPIRED, finished_at=now)
    ended = list(with_file.filter(status__in=FINAL_STATUSES).values_list("pk", flat=True))
    for pk in {*expired, *ended}:
        job = ImportJob(pk=pk)
        _file_delete(job)
        count += 1
    return count


def _imports_fail_stuck(now: datetime.datetime) -> int:
    limit = max(TASK_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT)
    cutoff = now - datetime.timedelta(seconds=limit) - STUCK_MARGIN
    stuck = ImportJob.objects.filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
        status__in=RUNNING_STATUSES,
    )
    count = 0
    for pk in list(stuck.values_list("pk", flat=True)):
        with _exclusive(pk) as free, translation.override("nl"):
            if not free:  # a process still works on it
                continue
            reason = _(
                "The check or import stopped without finishing (its background task ended); "
                "nothing was imported. Upload the file again."
            )
            with transaction.atomic():
                # Still stuck now that its lock is ours (a run may have ended or restarted).
                if stuck.filter(pk=pk).update(
                    status=ImportStatus.FAILED, failure=reason, finished_at=now
                ):
                    _file_delete(ImportJob(pk=pk))
                    count += 1
    return count


def _imports_forget_rows(now: datetime.datetime) -> None:
    old = ImportJob.objects.filter(
        status__in=FINAL_STATUSES, finished_at__lt=now - datetime.timedelta(days=REPORT_DAYS)
    )
    ImportRowResult.objects.filter(job__in=old).delete()
    ImportRowIssue.objects.filter(job__in=old).delete()


# --- The engine ------------------------------------------------------------------------------
class _Side:
    """A second database connection in autocommit: progress and the cancel flag while the
    import's own transaction is open."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = None

    def _cursor(self):
        if self.conn is None:
            self.conn = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.conn.cursor() as cursor:
                # Never wait for the job row: a caller that runs the import inside its own
                # transaction holding that row would otherwise wait for itself.
                cursor.execute("SET lock_timeout = '500ms'")
        return self.conn.cursor()

    def progress(self, processed: int) -> None:
        """Best effort: a progress figure that cannot be written now is skipped."""
        try:
            with self._cursor() as cursor:
                cursor.execute(
                    "UPDATE imports_importjob SET processed_rows = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        except OperationalError:
            logger.warning("import %s: progress not written (job row locked)", self.job_id)

    def status(self) -> str | None:
        with self._cursor() as cursor:
            cursor.execute("SELECT status FROM imports_importjob WHERE id = %s", [self.job_id])
            row = cursor.fetchone()
        return row[0] if row else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


@contextmanager
def _exclusive(job_id: int):
    """One run per job at a time (a redelivered task while the first still runs)."""
    key = int(hashlib.sha256(f"imports.job.{job_id}".encode()).hexdigest()[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (locked,) = cursor.fetchone()
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@dataclass
class Outcome:
    row_number: int
    action: str = RowAction.SKIP
    label: str = ""
    object_id: int | None = None
    fields: list[str] = field(default_factory=list)
    issues: list[tuple[str, str, str, str]] = field(default_factory=list)  # level, col, key, msg

    def error(self, column: str, key: str, message: str) -> None:
        self.issues.append((IssueLevel.ERROR, column, key, str(message)))
        self.action = RowAction.ERROR

    def warn(self, column: str, key: str, message: str) -> None:
        self.issues.append((IssueLevel.WARNING, column, key, str(message)))


class _RowInvalid(Exception):
    pass


_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%y", "%d/%m/%y")


def _not_a_choice(word: str) -> str:
    """The message for a word that is no choice; a word that may be a BSN is not repeated."""
    if looks_like_bsn(word):
        return _("This value is not one of the choices; map it to a choice.")
    return _("“%(value)s” is not one of the choices; map it to a choice.") % {"value": word[:60]}


def _split_list(raw: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"[,;\n|]", raw or "") if part.strip()]


class _Engine:
    """Reads rows of one job and runs them through the owning app's services."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.user = job.created_by
        self.fields = {f.key: f for f in layouts.fields_of(job.kind)}
        self.columns: dict[str, tuple[int, str]] = {}  # field key -> (cell index, header)
        for header, key in job.mapping.items():
            if key and header in job.headers:
                self.columns[key] = (job.headers.index(header), header)
        self.lookups = {
            key: _value_lookup(job, self.fields[key])
            for key in self.columns
            if self.fields[key].is_choice
        }
        self.seen: dict[str, tuple[int, str]] = {}
        # New job seekers built by their rows, written together at the end of the batch.
        self._pending: list[tuple[tuple, Outcome]] = []
        self._sectors: dict[str, Sector] = {}
        self._users: dict[str, User | None] = {}
        self._municipalities = {str(m.pk): m for m in Municipality.objects.all()}
        self._by_cbs = {m.cbs_code: m for m in self._municipalities.values()}
        self._vocabulary: Vocabulary | None = None
        self.handler = {
            ImportKind.JOBSEEKERS: self._jobseeker,
            ImportKind.EMPLOYERS: self._employer,
            ImportKind.OPENINGS: self._opening,
        }[job.kind]

    # Cells -> values ---------------------------------------------------------------------
    def header(self, key: str) -> str:
        return self.columns[key][1] if key in self.columns else ""

    def read(self, number: int, cells: list) -> tuple[dict[str, Any], Outcome]:
        outcome = Outcome(row_number=number)
        values: dict[str, Any] = {}
        for key, (index, header) in self.columns.items():
            raw = cells[index] if index < len(cells) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if self.fields[key].required:
                    outcome.error(header, key, _("This cell is empty; it is required."))
                continue
            try:
                value = self._cell(self.fields[key], raw, outcome, header)
            except ValidationError as exc:
                for message in exc.messages:
                    outcome.error(header, key, message)
                continue
            if value is not None and value != [] and value != "":
                values[key] = value
        return values, outcome

    def _cell(self, import_field: ImportField, raw, outcome: Outcome, header: str):
        kind = import_field.kind
        if kind == layouts.DATE:
            return _read_date(raw)
        if kind == layouts.DIGITS:
            return _read_digits(raw, import_field.digits)
        if kind == layouts.NUMBER:
            return _read_number(raw)
        text = readers.cell_text(raw)
        if kind in (layouts.CHOICE, layouts.BOOLEAN):
            found = self.lookups[import_field.key](text)
            if found is None:
                raise ValidationError(_not_a_choice(text))
            return found == "1" if kind == layouts.BOOLEAN else found
        if kind == layouts.CHOICES:
            chosen = []
            for word in _split_list(text):
                found = self.lookups[import_field.key](word)
                if found is None:
                    raise ValidationError(_not_a_choice(word))
                chosen.append(found)
            return chosen
        if kind == layouts.WORDS:
            return self._words(_split_list(text), outcome, header, import_field.key)
        if kind == layouts.EMAIL:
            return text.lower()
        if kind == layouts.USER:
            return self._user(text)
        if import_field.key in ("phone", "contact_phone") and isinstance(raw, int | float):
            # A spreadsheet stores 0612345678 as the number 612345678.
            text = "0" + text if len(text) == 9 else text
        return " ".join(text.split()) if "\n" not in text else text.strip()

    def _words(self, words: list[str], outcome: Outcome, header: str, key: str) -> list[str]:
        """Words of the shared vocabulary (a name or a synonym, as matching reads them); an
        unknown word is left out with a warning: an import adds no new skills."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.load()
        names = []
        for word in words:
            from baanbrekers.vocabulary import normalise

            concept = self._vocabulary.labels.get(normalise(word))
            if concept is None:
                outcome.warn(
                    header,
                    key,
                    _("This value is not in the skills vocabulary and is left out.")
                    if looks_like_bsn(word)
                    else _("“%(word)s” is not in the skills vocabulary and is left out.")
                    % {"word": word[:80]},
                )
                continue
            names.append(self._vocabulary.names[concept])
        return list(dict.fromkeys(names))

    def _user(self, text: str) -> User:
        email = text.strip().lower()
        if email not in self._users:
            self._users[email] = (
                back_office_staff().filter(email__iexact=email).order_by("pk").first()
            )
        found = self._users[email]
        if found is None:
            raise ValidationError(
                _("No active caseworker or coordinator has the e-mail address %(email)s.")
                % {"email": email[:100]}
            )
        return found

    def _municipality_into(self, data: dict, existing, values: dict, outcome: Outcome) -> None:
        """A new record needs its municipality; a stored one only when the file names one."""
        if existing is None or "municipality" in values:
            municipality = self.municipality(values, outcome)
            if municipality is None:
                raise _RowInvalid
            data["municipality"] = municipality

    def municipality(self, values: dict, outcome: Outcome) -> Municipality | None:
        if "municipality" in values:
            return self._municipalities.get(values["municipality"])
        code = geo.municipality_code_for_postcode(values.get("postcode"))
        found = self._by_cbs.get(code or "")
        if found is None:
            outcome.error(
                self.header("postcode"),
                "postcode",
                _(
                    "The municipality of this postcode is not one we serve; fill in the "
                    "municipality column."
                ),
            )
        return found

    # Existing records, fetched per batch ---------------------------------------------------
    def prepare(self, batch: list[tuple[int, list]]) -> None:
        """Finds the stored records the batch's keys match, in one query (not one per row)."""
        self._known: dict[str, Any] = {}
        self._prepared: set[str] = set()
        key = {ImportKind.JOBSEEKERS: "bsn", ImportKind.EMPLOYERS: "kvk_number"}.get(self.job.kind)
        if key is None or key not in self.columns:
            return
        index, _header = self.columns[key]
        import_field = self.fields[key]
        values = set()
        for _number, cells in batch:
            raw = cells[index] if index < len(cells) else None
            if raw is not None and str(raw).strip():
                values.add(_read_digits(raw, import_field.digits))
        if self.job.kind == ImportKind.JOBSEEKERS:
            self._prepared = {crypto.keyed_hash(v) for v in values}
            # Their skills and interests too: a second run compares them for every row.
            found = JobSeeker.objects.filter(bsn_hash__in=self._prepared).prefetch_related(
                "skills", "interests"
            )
            self._known = {p.bsn_hash: p for p in found}
        else:
            self._prepared = values
            self._known = {e.kvk_number: e for e in Employer.objects.filter(kvk_number__in=values)}

    def flush(self) -> None:
        """Writes the new files the batch's rows built (``jobseekers_create_many``: the same
        writes as ``jobseeker_create``, in bulk) and gives their rows the record ids. Should
        one of them clash after all (a BSN registered meanwhile by someone else), they are
        written one by one so that the row that clashes gets the error."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            jobseeker_services.jobseekers_create_many(
                user=self.user, new=[new for new, _outcome in pending]
            )
        except ValidationError:
            for new, outcome in pending:
                try:
                    jobseeker_services.jobseekers_create_many(user=self.user, new=[new])
                except ValidationError as exc:
                    self._service_errors(exc, outcome)
        for (person, _skills, _interests), outcome in pending:
            outcome.object_id = person.pk if outcome.action != RowAction.ERROR else None

    def _existing(self, key: str):
        if key in getattr(self, "_prepared", ()):
            return self._known.get(key)
        if self.job.kind == ImportKind.JOBSEEKERS:
            return JobSeeker.objects.filter(bsn_hash=key).first()
        return Employer.objects.filter(kvk_number=key).first()

    # One row -----------------------------------------------------------------------------
    def row(self, number: int, cells: list) -> Outcome:
        values, outcome = self.read(number, cells)
        if outcome.action == RowAction.ERROR:
            return outcome
        key = self._key(values)
        fingerprint = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in values.items())).encode())
        fingerprint = fingerprint.hexdigest()
        if key in self.seen:
            first, earlier = self.seen[key]
            if earlier == fingerprint:
                outcome.warn("", "", _("The same as row %(row)s; skipped.") % {"row": first})
                outcome.action = RowAction.SKIP
            else:
                outcome.error(
                    "",
                    "",
                    _(
                        "Row %(row)s is about the same record with other values; keep one of the two."
                    )
                    % {"row": first},
                )
            return outcome
        self.seen[key] = (number, fingerprint)
        try:
            self.handler(values, outcome)
        except ValidationError as exc:
            self._service_errors(exc, outcome)
        except _RowInvalid:
            pass
        return outcome

    def _key(self, values: dict) -> str:
        if self.job.kind == ImportKind.JOBSEEKERS:
            return crypto.keyed_hash(values["bsn"])
        if self.job.kind == ImportKind.EMPLOYERS:
            return values["kvk_number"]
        return f"{values['employer_kvk']}|{values['title'].casefold()}"

    # Service fields that a column of another name fills.
    SERVICE_FIELDS = {
        "name": "contact_name",
        "role": "contact_role",
        "email": "contact_email",
        "phone": "contact_phone",
        "valid_until": "consent_valid_until",
        "given_on": "consent_given_on",
        "kvk_number": "kvk_number",
        "competences": "competences",
    }

    def _service_errors(self, exc: ValidationError, outcome: Outcome, prefix: str = "") -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                outcome.error("", "", message)
            return
        for name, errors in exc.error_dict.items():
            key = name
            if prefix and prefix + name in self.fields:
                key = prefix + name
            elif name not in self.columns and name in self.SERVICE_FIELDS:
                key = self.SERVICE_FIELDS[name]
            if key == "last_name" or (key not in self.columns and name == "last_name_prefix"):
                key = "last_name"
            for error in errors:
                for message in error.messages:
                    outcome.error(self.header(key), key if key != "__all__" else "", message)

    # Job seekers -------------------------------------------------------------------------
    JOBSEEKER_DATA = [f for f in jobseeker_services.EDITABLE_FIELDS if f != "municipality"]

    def _jobseeker(self, values: dict, outcome: Outcome) -> None:
        bsn = values.pop("bsn")
        if "last_name_prefix" in values:
            values["last_name"] = f"{values.pop('last_name_prefix')} {values['last_name']}"
        data = {k: v for k, v in values.items() if k in self.JOBSEEKER_DATA}
        skills, interests = values.get("skills"), values.get("interests")
        existing = self._existing(crypto.keyed_hash(bsn))
        self._municipality_into(data, existing, values, outcome)
        if existing is None:
            try:
                person = jobseeker_services.jobseeker_build(user=self.user, bsn=bsn, data=data)
            except ValidationError as exc:
                self._service_errors(exc, outcome)
                return
            outcome.action = RowAction.CREATE
            new = (person, skills or (), interests or ())
            if values.get("consents"):
                # A consent needs the stored file: this one is written now.
                try:
                    jobseeker_services.jobseekers_create_many(user=self.user, new=[new])
                except ValidationError as exc:
                    self._service_errors(exc, outcome)
                    return
            else:
                # Written with the rest of the batch (``flush``), one insert for all.
                self._pending.append((new, outcome))
        else:
            person = existing
            changed = self._changed(JobSeeker, existing, data, outcome)
            if outcome.action == RowAction.ERROR:
                return
            skills_changed = _words_differ(skills, existing.skills)
            interests_changed = _words_differ(interests, existing.interests)
            if changed or skills_changed or interests_changed:
                jobseeker_services.jobseeker_update(
                    jobseeker=existing,
                    user=self.user,
                    data={k: data[k] for k in changed},
                    skill_names=skills if skills_changed else None,
                    interest_names=interests if interests_changed else None,
                )
                outcome.action = RowAction.UPDATE
                outcome.fields = [
                    *changed,
                    *(["skills"] if skills_changed else []),
                    *(["interests"] if interests_changed else []),
                ]
        if values.get("consents") and self._consents(person, values, outcome):
            if outcome.action == RowAction.SKIP:
                outcome.action = RowAction.UPDATE
            outcome.fields = [*outcome.fields, "consents"]
        outcome.object_id = person.pk
        outcome.label = f"{person.first_name} {person.last_name} ({person.masked_bsn})"

    def _consents(self, person: JobSeeker, values: dict, outcome: Outcome) -> bool:
        until = values.get("consent_valid_until")
        if until is None:
            outcome.error(
                self.header("consents"),
                "consents",
                _("Give the date until which the consent is valid (a column for it)."),
            )
            raise _RowInvalid
        given = values.get("consent_given_on") or timezone.localdate()
        added = False
        for kind in dict.fromkeys(values["consents"]):
            if (
                person.pk
                and Consent.objects.filter(
                    jobseeker=person, kind=kind, withdrawn_on__isnull=True, valid_until__gte=until
                ).exists()
            ):
                continue
            jobseeker_services.consent_give(
                jobseeker=person, kind=kind, given_on=given, valid_until=until, user=self.user
            )
            added = True
        return added

    def _changed(self, model, obj, data: dict, outcome: Outcome, prefix: str = "") -> list[str]:
        """The fields whose value in ``data`` differs from ``obj``'s, compared in the stored
        notation: each field's own ``clean`` (its validators and normalising, as full_clean
        runs them) reads the new value first. Errors become the row's, per column."""
        changed = []
        for name, value in data.items():
            model_field = model._meta.get_field(name)
            if model_field.is_relation:
                new = value.pk if value is not None else None
                if getattr(obj, model_field.attname) != new:
                    changed.append(name)
                continue
            try:
                new = model_field.clean(value, obj)
            except ValidationError as exc:
                key = prefix + name if prefix else name
                for message in exc.messages:
                    outcome.error(self.header(key), key, message)
                continue
            if getattr(obj, name) != new:
                changed.append(name)
        return changed

    # Employers ---------------------------------------------------------------------------
    EMPLOYER_DATA = (
        "trade_name",
        "street_address",
        "postcode",
        "city",
        "sector",
        "size_class",
        "website",
        "status",
        "relationship_owner",
        "story_what",
    )

    def _employer(self, values: dict, outcome: Outcome) -> None:
        kvk = values["kvk_number"]
        data = {k: v for k, v in values.items() if k in self.EMPLOYER_DATA}
        if "sector" in data:
            if data["sector"] not in self._sectors:
                self._sectors[data["sector"]] = Sector.objects.get(code=data["sector"])
            data["sector"] = self._sectors[data["sector"]]
        existing = self._existing(kvk)
        self._municipality_into(data, existing, values, outcome)
        if existing is None:
            employer = employer_services.employer_create(
                created_by=self.user,
                kvk_number=kvk,
                trade_name=data.pop("trade_name"),
                postcode=data.pop("postcode"),
                municipality=data.pop("municipality"),
                **data,
            )
            outcome.action = RowAction.CREATE
        else:
            employer = existing
            changed = self._changed(Employer, existing, data, outcome)
            if outcome.action == RowAction.ERROR:
                return
            if changed:
                employer_services.employer_update(
                    employer=existing, updated_by=self.user, **{k: data[k] for k in changed}
                )
                outcome.action = RowAction.UPDATE
                outcome.fields = changed
        outcome.object_id = employer.pk
        outcome.label = f"{employer.trade_name} (KvK {employer.kvk_number})"
        self._contact(employer, values, outcome)

    def _contact(self, employer: Employer, values: dict, outcome: Outcome) -> None:
        data = {
            name: values[f"contact_{name}"]
            for name in ("name", "role", "email", "phone")
            if f"contact_{name}" in values
        }
        if not data:
            return
        contacts = EmployerContact.objects.filter(employer=employer)
        contact = None
        if data.get("email"):
            contact = contacts.filter(email__iexact=data["email"]).first()
        if contact is None and data.get("name"):
            contact = contacts.filter(name__iexact=data["name"]).first()
        try:
            if contact is None:
                if not data.get("name"):
                    outcome.error(
                        self.header("contact_email"),
                        "contact_name",
                        _("A new contact person needs a name."),
                    )
                    return
                employer_services.employer_contact_create(
                    employer=employer,
                    created_by=self.user,
                    is_primary=not contacts.exists(),
                    **data,
                )
                changed = ["contact"]
            else:
                changed = self._changed(EmployerContact, contact, data, outcome, prefix="contact_")
                if outcome.action == RowAction.ERROR:
                    return
                if changed:
                    employer_services.employer_contact_update(
                        contact=contact, updated_by=self.user, **{k: data[k] for k in changed}
                    )
                    changed = [f"contact_{k}" for k in changed]
        except ValidationError as exc:
            self._service_errors(exc, outcome, prefix="contact_")
            return
        if changed and outcome.action == RowAction.SKIP:
            outcome.action = RowAction.UPDATE
        if changed and outcome.action == RowAction.UPDATE:
            outcome.fields = [*outcome.fields, *changed]

    # Openings ----------------------------------------------------------------------------
    OPENING_DATA = (
        "kind",
        "description",
        "hours_per_week",
        "places",
        "location_postcode",
        "start_date",
        "end_date",
    )

    def _opening(self, values: dict, outcome: Outcome) -> None:
        employer = Employer.objects.filter(kvk_number=values["employer_kvk"]).first()
        if employer is None:
            outcome.error(
                self.header("employer_kvk"),
                "employer_kvk",
                _("No employer with this KvK number is registered; import the employers first."),
            )
            return
        data = {k: v for k, v in values.items() if k in self.OPENING_DATA}
        competences = values.get("competences")
        existing = (
            Opening.objects.filter(employer=employer, title__iexact=values["title"])
            .order_by("pk")
            .first()
        )
        if existing is None:
            data.setdefault("kind", "vacancy")
            opening = employer_services.opening_create(
                employer=employer,
                created_by=self.user,
                title=values["title"],
                competences=competences or (),
                **data,
            )
            if values.get("status") and values["status"] != opening.status:
                employer_services.opening_status_set(
                    opening=opening, status=values["status"], changed_by=self.user
                )
            outcome.action = RowAction.CREATE
        else:
            opening = existing
            changed = self._changed(Opening, existing, data, outcome)
            if outcome.action == RowAction.ERROR:
                return
            competences_changed = _words_differ(competences, existing.competences)
            status = values.get("status")
            status_changed = status is not None and status != existing.status
            if changed or competences_changed or status_changed:
                employer_services.opening_update(
                    opening=existing,
                    updated_by=self.user,
                    competences=competences if competences_changed else None,
                    status=status if status_changed else None,
                    **{k: data[k] for k in changed},
                )
                outcome.action = RowAction.UPDATE
                outcome.fields = [
                    *changed,
                    *(["competences"] if competences_changed else []),
                    *(["status"] if status_changed else []),
                ]
        outcome.object_id = opening.pk
        outcome.label = f"{opening.title} ({employer.trade_name})"


def _words_differ(words: list[str] | None, manager) -> bool:
    """Vocabulary words from the file (None: column not imported) against a record's."""
    return words is not None and set(words) != {skill.name for skill in manager.all()}


def _read_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _excel_serial(raw)
    text = str(raw).strip()
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return _excel_serial(float(text))
    text = text.split(" ")[0].split("T")[0]  # "17-05-1985 00:00:00"
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("This is not a date; write it as dd-mm-jjjj, such as 17-05-1985."), code="date"
    )


def _excel_serial(number: float) -> datetime.date:
    # Spreadsheets count days from 30 December 1899 (Excel's 1900 leap-year bug included).
    if not 1 <= number < 2958466:
        raise ValidationError(_("This is not a date; write it as dd-mm-jjjj, such as 17-05-1985."))
    return _EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _read_digits(raw, width: int) -> str:
    """A BSN or KvK number as text: a number cell loses its leading zeros, spaces and dots
    are how people write it. The value itself is never part of a message."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = re.sub(r"[\s.\-]", "", str(raw))
    if isinstance(raw, int) and width and len(text) < width:
        text = text.zfill(width)
    return text


def _read_number(raw) -> int:
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(_("Enter a whole number.")) from None
    if not number.is_integer():
        raise ValidationError(_("Enter a whole number."))
    return int(number)


# --- Running the dry run and the import --------------------------------------------------------
def _batches(job: ImportJob) -> Iterator[list[tuple[int, list]]]:
    batch: list[tuple[int, list]] = []
    for item in job_rows(job):
        batch.append(item)
        if len(batch) >= settings.IMPORT_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _issue_rows(job: ImportJob, outcomes: list[Outcome]) -> list[ImportRowIssue]:
    return [
        ImportRowIssue(
            job=job,
            row_number=o.row_number,
            level=level,
            column=column[:255],
            field=key,
            message=message,
        )
        for o in outcomes
        for level, column, key, message in o.issues
    ]


def _result_rows(job: ImportJob, outcomes: list[Outcome], keep_ids: bool) -> list[ImportRowResult]:
    return [
        ImportRowResult(
            job=job,
            row_number=o.row_number,
            action=o.action,
            label=o.label[:255],
            object_id=o.object_id if keep_ids else None,
            fields=o.fields,
        )
        for o in outcomes
    ]


def _count(counts: dict, outcomes: list[Outcome]) -> None:
    for o in outcomes:
        counts[o.action] = counts.get(o.action, 0) + 1
        if any(level == IssueLevel.WARNING for level, *_rest in o.issues):
            counts["warning"] = counts.get("warning", 0) + 1


def _empty_counts() -> dict:
    return {action: 0 for action in RowAction.values}


def import_dry_run(*, job_id: int) -> ImportJob:
    """Checks every row (see the module's docstring) and leaves the job "ready" with its
    counts, issues and row results; nothing of the rows is kept. Runs only from "validating";
    a cancel between batches stops it and deletes the file. Safe to run twice."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.VALIDATING:
        return job
    with (
        _exclusive(job.pk) as mine,
        translation.override("nl"),
        validators.served_municipalities_read_once(),
    ):
        if not mine:
            return job
        job.issues.all().delete()
        job.results.all().delete()
        engine = _Engine(job)
        counts, processed = _empty_counts(), 0
        try:
            for batch in _batches(job):
                if ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first() != (
                    ImportStatus.VALIDATING
                ):
                    raise ImportCancelled
                outcomes = []
                # No savepoint per row: rows never depend on each other (a key appears once
                # per file), the services' own atomic blocks keep the transaction usable, and
                # the whole batch is rolled back anyway.
                with transaction.atomic():
                    engine.prepare(batch)
                    outcomes = [engine.row(number, cells) for number, cells in batch]
                    engine.flush()
                    transaction.set_rollback(True)
                ImportRowIssue.objects.bulk_create(_issue_rows(job, outcomes))
                ImportRowResult.objects.bulk_create(_result_rows(job, outcomes, keep_ids=False))
                _count(counts, outcomes)
                processed += len(batch)
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, counts=counts)
        except ImportCancelled:
            _file_delete(job)
            job.refresh_from_db()
            return job
        except Exception:
            logger.exception("import %s: dry run failed", job.pk)
            _fail(job, _("The check stopped on an unexpected error; nothing was imported."))
            raise
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).update(
            status=ImportStatus.READY, checked_at=timezone.now(), counts=counts
        )
    job.refresh_from_db()
    if job.status == ImportStatus.CANCELLED:
        _file_delete(job)
    return job


def _fail(job: ImportJob, reason: str) -> None:
    with transaction.atomic():
        ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]
        ).update(status=ImportStatus.FAILED, failure=reason, finished_at=timezone.now())
        _file_delete(job)


def import_apply(*, job_id: int) -> ImportJob:
    """The import proper: every row through the services in ONE transaction; the first error
    (data changed since the dry run) rolls back everything and the job fails with the row,
    column and message; a cancel between batches rolls back too. On success the job is "done"
    with its counts, row results (record ids) and report, one audit event names who imported
    how many rows and which records, and the file is deleted in the same commit. Runs only from
    "importing"; a second run at the same time does nothing (advisory lock), a run after a lost
    worker starts again from the first row (nothing of the first attempt was committed)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job
    side = _Side(job.pk)
    with (
        _exclusive(job.pk) as mine,
        translation.override("nl"),
        validators.served_municipalities_read_once(),
    ):
        if not mine:
            return job
        try:
            with transaction.atomic():
                _apply_rows(job, side)
        except ImportCancelled:
            _file_delete(job)
        except RowFailed as failed:
            reason = _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": failed.row_number,
                "column": failed.column or "-",
                "message": failed.message,
            }
            _fail(job, _("Nothing was imported. %(reason)s") % {"reason": reason})
            ImportRowIssue.objects.create(
                job=job,
                row_number=failed.row_number,
                column=failed.column[:255],
                level=IssueLevel.ERROR,
                message=failed.message,
            )
        except Exception:
            logger.exception("import %s failed", job.pk)
            _fail(job, _("The import stopped on an unexpected error; nothing was imported."))
            raise
        finally:
            side.close()
    job.refresh_from_db()
    return job


def _raise_first_error(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.action == RowAction.ERROR:
            _level, column, _key, message = next(
                i for i in outcome.issues if i[0] == IssueLevel.ERROR
            )
            raise RowFailed(outcome.row_number, column, message)


def _apply_rows(job: ImportJob, side: _Side) -> None:
    engine = _Engine(job)
    counts, processed = _empty_counts(), 0
    ids: dict[str, list[int]] = {RowAction.CREATE: [], RowAction.UPDATE: []}
    job.results.all().delete()
    job.issues.all().delete()
    for batch in _batches(job):
        # Only a committed cancel stops it (a caller's own uncommitted "importing" reads
        # as the earlier "ready" from the second connection).
        if side.status() == ImportStatus.CANCELLED:
            raise ImportCancelled
        outcomes = []
        engine.prepare(batch)
        for number, cells in batch:
            if job.skip_error_rows:
                # A row with an error may have written part of itself: undo just that row.
                savepoint = transaction.savepoint()
                outcome = engine.row(number, cells)
                if outcome.action == RowAction.ERROR:
                    transaction.savepoint_rollback(savepoint)
                    outcome.object_id = None
                else:
                    transaction.savepoint_commit(savepoint)
            else:
                outcome = engine.row(number, cells)
                _raise_first_error([outcome])
            outcomes.append(outcome)
        # New files are written at the end of the batch; a clash found then is the row's error.
        engine.flush()
        if not job.skip_error_rows:
            _raise_first_error(outcomes)
        for outcome in outcomes:
            if outcome.object_id and outcome.action in ids:
                ids[outcome.action].append(outcome.object_id)
        ImportRowIssue.objects.bulk_create(_issue_rows(job, outcomes))
        ImportRowResult.objects.bulk_create(_result_rows(job, outcomes, keep_ids=True))
        _count(counts, outcomes)
        processed += len(batch)
        side.progress(processed)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportStatus.IMPORTING:
        raise ImportCancelled
    now = timezone.now()
    model = {
        ImportKind.JOBSEEKERS: JobSeeker,
        ImportKind.EMPLOYERS: Employer,
        ImportKind.OPENINGS: Opening,
    }[job.kind]
    locked.report = {
        "rows": processed,
        "counts": counts,
        "model": model._meta.label,
        "created_ids": ids[RowAction.CREATE],
        "updated_ids": ids[RowAction.UPDATE],
        "by": getattr(job.created_by, "email", ""),
        "finished_at": now.isoformat(),
    }
    locked.counts = counts
    locked.processed_rows = processed
    locked.status = ImportStatus.DONE
    locked.finished_at = now
    locked.save(update_fields=["report", "counts", "processed_rows", "status", "finished_at"])
    audit_record(
        actor=job.created_by,
        action=AuditAction.CREATE,
        obj=locked,
        detail={
            "import": job.kind,
            "rows": processed,
            "created": counts.get(RowAction.CREATE, 0),
            "updated": counts.get(RowAction.UPDATE, 0),
            "unchanged": counts.get(RowAction.SKIP, 0),
            "model": model._meta.label,
            "created_ids": ids[RowAction.CREATE],
            "updated_ids": ids[RowAction.UPDATE],
        },
    )
    _file_delete(job)


# Labels the pages show for the counts (create/update/skip/error), Dutch first.
COUNT_LABELS = {
    RowAction.CREATE: gettext_lazy("new"),
    RowAction.UPDATE: gettext_lazy("changed"),
    RowAction.SKIP: gettext_lazy("unchanged"),
    RowAction.ERROR: gettext_lazy("with errors"),
}
