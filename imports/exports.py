"""Exports of employers, job seekers and openings in the import layouts (issue 16): a file that
leaves the platform comes back in without a new mapping (the headers are the fields' Dutch
labels, or a saved layout's own headers; choices are written as their Dutch labels, which the
import reads back).

Coordinators only. The BSN is left out unless the user's role allows it (``may_export_bsn``)
and a reason is given; every export is written to the audit log (who, which kind, how many
rows, which records, with or without BSN and why) before the first row leaves. Cells go through
``baanbrekers/exports.py`` (no formulas from text).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baanbrekers.access import is_coordinator
from baanbrekers.exports import csv_cell, xlsx_row_append
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from employers.models import Employer, EmployerContact, Opening
from jobseekers.models import Consent, JobSeeker

from . import layouts
from .models import ImportKind, ImportLayout

CHUNK = 2000


def may_export_bsn(user: User) -> bool:
    """Who may take BSNs out of the platform (with a reason): coordinators."""
    return is_coordinator(user)


def _require(user: User, include_bsn: bool, reason: str) -> None:
    if not is_coordinator(user):
        raise PermissionError("only coordinators export")
    if include_bsn and not may_export_bsn(user):
        raise PermissionError("this role may not export BSNs")
    if include_bsn and len((reason or "").strip()) < 10:
        raise ValidationError(
            {"reason": _("Say why the BSNs must leave the platform (at least 10 characters).")}
        )


def export_fields(kind: str, include_bsn: bool) -> list[layouts.ImportField]:
    skip = {"last_name_prefix", "consent_given_on"}
    if not include_bsn:
        skip.add("bsn")
    return [f for f in layouts.fields_of(kind) if f.key not in skip]


def export_headers(kind: str, fields: list[layouts.ImportField], layout: ImportLayout | None):
    own = {key: header for header, key in (layout.columns if layout else {}).items() if key}
    with translation.override("nl"):
        return [own.get(f.key) or _first_upper(str(f.label)) for f in fields]


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _queryset(kind: str, user: User):
    if kind == ImportKind.JOBSEEKERS:
        today = timezone.localdate()
        return (
            JobSeeker.objects.visible_to(user)
            .not_anonymised()
            .select_related("municipality", "caseworker")
            .prefetch_related(
                "skills",
                "interests",
                Prefetch("consents", Consent.objects.valid(on=today), to_attr="valid_consents"),
            )
        )
    if kind == ImportKind.EMPLOYERS:
        return (
            Employer.objects.visible_to(user)
            .select_related("municipality", "sector", "relationship_owner")
            .prefetch_related(
                Prefetch("contacts", EmployerContact.objects.order_by("-is_primary", "pk"))
            )
        )
    return (
        Opening.objects.visible_to(user).select_related("employer").prefetch_related("competences")
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _cell(obj, import_field: layouts.ImportField, kind: str):
    key = import_field.key
    if kind == ImportKind.JOBSEEKERS:
        if key == "bsn":
            return obj.reveal_bsn()
        if key in ("skills", "interests"):
            return ", ".join(sorted(s.name for s in getattr(obj, key).all()))
        if key == "consents":
            return ", ".join(sorted({str(c.get_kind_display()) for c in obj.valid_consents}))
        if key == "consent_valid_until":
            untils = [c.valid_until for c in obj.valid_consents]
            return _text(min(untils)) if untils else ""
        if key == "caseworker":
            return obj.caseworker.email if obj.caseworker else ""
    if kind == ImportKind.EMPLOYERS:
        if key.startswith("contact_"):
            contacts = list(obj.contacts.all())
            return getattr(contacts[0], key.removeprefix("contact_")) if contacts else ""
        if key == "relationship_owner":
            return obj.relationship_owner.email if obj.relationship_owner else ""
        if key == "sector":
            return str(obj.sector) if obj.sector else ""
    if kind == ImportKind.OPENINGS:
        if key == "employer_kvk":
            return obj.employer.kvk_number
        if key == "competences":
            return ", ".join(sorted(s.name for s in obj.competences.all()))
    if key == "municipality":
        return obj.municipality.name
    if key == "ladder_step":
        return str(obj.ladder_step)
    value = getattr(obj, key)
    display = getattr(obj, f"get_{key}_display", None)
    if display is not None and value:
        return str(display())
    return _text(value)


def export_rows(
    *,
    user: User,
    kind: str,
    layout: ImportLayout | None = None,
    include_bsn: bool = False,
    reason: str = "",
) -> Iterator[list]:
    """The header row, then one row per record the user sees (streamed in chunks). Checks the
    role and the reason, and writes the audit event, before the first row is produced."""
    _require(user, include_bsn, reason)
    fields = export_fields(kind, include_bsn)
    qs = _queryset(kind, user)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=qs.model._meta.label,
        detail={
            "export": kind,
            "rows": len(ids),
            "bsn": include_bsn,
            "reason": (reason or "").strip()[:500] if include_bsn else "",
            "ids": ids,
        },
    )

    def rows() -> Iterator[list]:
        with translation.override("nl"):
            yield export_headers(kind, fields, layout)
            for start in range(0, len(ids), CHUNK):
                chunk = qs.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
                for obj in chunk:
                    yield [_cell(obj, f, kind) for f in fields]

    return rows()


class _Echo:
    def write(self, value):
        return value


def export_response(
    *,
    user: User,
    kind: str,
    file_format: str,
    layout: ImportLayout | None = None,
    include_bsn: bool = False,
    reason: str = "",
) -> HttpResponse:
    """A download: CSV (semicolons and a BOM, as a Dutch Excel opens it; streamed) or XLSX."""
    rows = export_rows(user=user, kind=kind, layout=layout, include_bsn=include_bsn, reason=reason)
    stamp = timezone.localdate().isoformat()
    name = f"{kind}-{stamp}"
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(ImportKind(kind).label)[:31]
        for row in rows:
            xlsx_row_append(sheet=sheet, row=row)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook.save(response)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
