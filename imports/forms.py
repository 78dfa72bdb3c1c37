"""The coordinator's import and export forms. Which mapping is valid, how a value is read and who
may export a BSN are the engine's rules (imports/services.py, imports/layouts.py): these forms
only collect what the coordinator chose and show the engine's answer next to the right field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import services
from .layouts import FIELDS, choice_fields
from .models import ImportKind

# What a spreadsheet file may be called: the engine reads the content, this only helps the
# browser's file picker and gives a quick answer for a photo or a PDF.
ACCEPTED_SUFFIXES = (".csv", ".txt", ".xlsx")

FORMAT_CHOICES = [
    ("csv", _("CSV (semicolon-separated, for Excel in Dutch)")),
    ("xlsx", _("Excel (.xlsx)")),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the file contain?"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the file contains.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (any separator; UTF-8 or Windows-1252, as Excel saves it) or an Excel "
            "file (.xlsx). The first row holds the column names."
        ),
        error_messages={"required": _("Choose a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise ValidationError(
                _("This is not a CSV or Excel file. Save the spreadsheet as .csv or .xlsx."),
                code="suffix",
            )
        return uploaded


def column_field_name(index: int) -> str:
    return f"col_{index}"


def value_field_name(field_key: str, index: int) -> str:
    return f"val_{field_key}_{index}"


class MappingForm(forms.Form):
    """One select per column of the file (which field it fills, or "do not import"), one select
    per distinct value of each mapped choice field, and an optional name to keep it as a layout.

    ``column_fields`` and ``value_groups`` let the template draw the two parts as fieldsets."""

    layout_name = forms.CharField(
        label=_("Save this mapping as a layout (optional)"),
        help_text=_("Give it a name, such as “CRM export”, to use it again for the next file."),
        max_length=100,
        required=False,
    )

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        catalogue = FIELDS[job.kind]
        self.catalogue = {field.key: field for field in catalogue}
        field_choices = [("", _("— do not import —"))] + [
            (field.key, f"{capfirst(field.label)} *" if field.required else capfirst(field.label))
            for field in catalogue
        ]
        proposed = job.mapping or {}
        self.column_fields = []
        for index, header in enumerate(job.headers or []):
            name = column_field_name(index)
            self.fields[name] = forms.ChoiceField(
                label=header or _("(column %(number)s without a name)") % {"number": index + 1},
                choices=field_choices,
                required=False,
                initial=proposed.get(header, ""),
            )
            self.column_fields.append(name)
        # Value mapping: for each choice field the file fills, each value found in its column.
        mapped_keys = {key for key in proposed.values() if key}
        self.value_groups = []
        found = services.distinct_values_all(job)  # one pass over the file for all fields
        for field in choice_fields(job.kind):
            if field.key not in mapped_keys:
                continue
            raws = [raw for raw in found.get(field.key, []) if str(raw).strip()]
            if not raws:
                continue
            # What the engine reads each word as: the coordinator's earlier choice, the
            # catalogue's words, else "" (not recognised).
            proposal = services.value_proposal(job, field.key, raws)
            options = [("", _("— not recognised: choose —"))] + [
                (str(value), str(label)) for value, label in field.choices()
            ]
            names = []
            for index, raw in enumerate(raws):
                name = value_field_name(field.key, index)
                known = proposal.get(raw, "")
                self.fields[name] = forms.ChoiceField(
                    label=raw,
                    choices=options,
                    required=False,
                    initial=known,
                    help_text="" if known else _("Not recognised: choose what it means here."),
                )
                self.fields[name].raw_value = raw
                names.append(name)
            self.value_groups.append((field, names))
        self.order_fields([*self.column_fields, "layout_name"])

    def columns(self):
        return [self[name] for name in self.column_fields]

    def value_fieldsets(self):
        return [(field, [self[name] for name in names]) for field, names in self.value_groups]

    def required_fields(self):
        return [field for field in self.catalogue.values() if field.required]

    def mapping(self) -> dict[str, str]:
        """header -> field key ("" = not imported), in the file's column order."""
        return {
            header: self.cleaned_data.get(column_field_name(index), "")
            for index, header in enumerate(self.job.headers or [])
        }

    def value_mapping(self) -> dict[str, dict[str, str]]:
        """field key -> {value in the file -> choice}; values left "as written" are left out."""
        result: dict[str, dict[str, str]] = {}
        for field, names in self.value_groups:
            chosen = {
                self.fields[name].raw_value: self.cleaned_data[name]
                for name in names
                if self.cleaned_data.get(name)
            }
            if chosen:
                result[field.key] = chosen
        return result

    def add_service_errors(self, exc: ValidationError) -> None:
        """The engine names a column (its header) or a field key; the error goes next to the
        select that shows it, else above the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        headers = list(self.job.headers or [])
        for key, errors in exc.error_dict.items():
            target = None
            if key in self.fields:
                target = key
            elif key in headers:
                target = column_field_name(headers.index(key))
            else:
                mapping = self.mapping() if hasattr(self, "cleaned_data") else {}
                columns = [h for h, k in mapping.items() if k == key]
                if columns:
                    target = column_field_name(headers.index(columns[-1]))
            self.add_error(target, errors)


class ImportConfirmForm(forms.Form):
    """The preview's confirmation; with errors in the dry run, only with "skip those rows"
    ticked (offered when ``job.can_confirm_skipping_errors``)."""

    skip_error_rows = forms.BooleanField(
        label=_("Skip the rows with errors and import the rest"), required=False
    )


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to export?"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.EMPLOYERS,
    )
    fmt = forms.ChoiceField(
        label=_("File format"), choices=FORMAT_CHOICES, widget=forms.RadioSelect, initial="csv"
    )
    layout = forms.ChoiceField(
        label=_("Column layout"),
        required=False,
        help_text=_("The columns of a saved import layout, so the file can be imported again."),
    )
    include_bsn = forms.BooleanField(
        label=_("Include the BSN of job seekers"),
        required=False,
        help_text=_("Only when it is really needed. The export and its reason are logged."),
    )
    reason = forms.CharField(
        label=_("Reason for including the BSN"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, layouts=(), may_export_bsn: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [("", _("Standard columns"))] + [
            (str(layout.pk), f"{layout.name} ({layout.get_kind_display()})") for layout in layouts
        ]
        self.layouts = {str(layout.pk): layout for layout in layouts}
        self.may_export_bsn = may_export_bsn
        if not may_export_bsn:
            del self.fields["include_bsn"]
            del self.fields["reason"]

    def clean(self):
        # Whether a reason is good enough for BSNs is the engine's rule (imports/exports.py).
        cleaned = super().clean()
        layout = self.layouts.get(cleaned.get("layout") or "")
        if layout and cleaned.get("kind") and layout.kind != cleaned["kind"]:
            self.add_error("layout", _("This layout is for another kind of records."))
        cleaned["layout"] = layout
        return cleaned
