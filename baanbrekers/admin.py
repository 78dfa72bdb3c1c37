"""The admin's shared rules (DESIGN.md §9), and the project-level models' admins.

Every ``ModelAdmin`` of a domain model uses these mixins:

- ``VisibleToAdminMixin``: the rows are the model's ``visible_to(request.user)`` (or, for a model
  that is part of another's file, that model's via ``visible_through``), as on the pages.
- ``AuditedAdminMixin``: for models holding personal data, every page of the change list and
  every opened record is written to the audit log.
- ``ReadOnlyAdminMixin``: for models whose writes have side effects (follow-ups, audit log,
  timeline lines, state machines) the admin only shows; the pages change them through the
  services. A model whose admin does write calls its service in ``save_model``
  (``jobseekers.admin``).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.postgres.forms import SimpleArrayField
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEvent, FollowUp, Municipality, OutboxEmail, Skill, Team, User
from .services import audit_list_record, audit_record
from .vocabulary import normalise


class VisibleToAdminMixin:
    """Rows the admin user may see, by the model's own rule (``visible_to``).

    ``visible_through`` names the relation (``"visit"``, ``"pairing__jobseeker"``) to a model
    with ``visible_to`` for rows that have no rule of their own."""

    visible_through = ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.visible_through:
            target = qs.model
            for part in self.visible_through.split("__"):
                target = target._meta.get_field(part).related_model
            visible = target._default_manager.visible_to(request.user)
            return qs.filter(**{f"{self.visible_through}__in": visible})
        return qs.visible_to(request.user)


class AuditedAdminMixin:
    """Views of personal data in the admin are written to the audit log, as on the pages: a
    page of the change list as one event with the ids shown, an opened record as a view.

    ``audit_change_view = False`` for an admin that records the opening itself (through its
    app's service, ``jobseekers.admin``)."""

    audit_change_view = True

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if request.method == "GET" and changelist is not None:
            audit_list_record(
                actor=request.user,
                model=self.model,
                ids=[obj.pk for obj in changelist.result_list],
                source="admin",
                page=changelist.page_num,
                request=request,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_change_view and request.method == "GET" and response.status_code == 200:
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                object_type=self.model._meta.label,
                object_id=object_id,
                detail={"in": "admin"},
                request=request,
            )
        return response


class ReadOnlyAdminMixin:
    """Shown, never changed here: the model's writes have side effects that only its services
    keep (works for ModelAdmin and inlines alike)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code"]
    search_fields = ["name", "cbs_code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "municipalities", "teams"]
    search_fields = ["email", "first_name", "last_name"]
    filter_horizontal = ["municipalities", "teams", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name"]}),
        (_("Work"), {"fields": ["role", "municipalities", "teams"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


class SynonymsField(SimpleArrayField):
    """Synonyms as one comma-separated text, shown with a space after each comma."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


class SkillForm(forms.ModelForm):
    """A concept of the vocabulary: a synonym belongs to one concept only, and a broader term
    may not lie under the concept itself (no loops)."""

    alt_labels = SynonymsField(
        forms.CharField(max_length=80),
        required=False,
        label=_("Synonyms"),
        help_text=_("Other words for the same skill, separated by commas."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Skill
        fields = ["name", "alt_labels", "broader", "is_field"]
        # A plain multiple select: Django's filter and autocomplete widgets fail axe checks.
        widgets = {"broader": forms.SelectMultiple(attrs={"size": 10})}

    def clean_alt_labels(self):
        labels = [" ".join(label.split()) for label in self.cleaned_data["alt_labels"] or []]
        labels = list(dict.fromkeys(label for label in labels if label))
        own = normalise(self.cleaned_data.get("name") or self.instance.name)
        others = Skill.objects.exclude(pk=self.instance.pk).exclude(alt_labels=[])
        taken = {normalise(a): s.name for s in others for a in s.alt_labels}
        for label in labels:
            key = normalise(label)
            if key == own:
                raise forms.ValidationError(_("A synonym cannot be the skill's own name."))
            if key in taken:
                raise forms.ValidationError(
                    _("“%(label)s” is already a synonym of “%(skill)s”.")
                    % {"label": label, "skill": taken[key]}
                )
        return labels

    def clean_broader(self):
        broader = self.cleaned_data["broader"]
        if self.instance.pk is None:
            return broader
        # Everything under this concept, at any depth: none of it may become its parent.
        below, todo = set(), [self.instance.pk]
        while todo:
            children = set(
                Skill.broader.through.objects.filter(to_skill_id__in=todo).values_list(
                    "from_skill_id", flat=True
                )
            )
            todo = list(children - below)
            below |= children
        if self.instance.pk in {s.pk for s in broader} or below & {s.pk for s in broader}:
            raise forms.ValidationError(
                _("A broader term cannot be the skill itself or lie under it.")
            )
        return broader


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """The shared vocabulary, edited by coordinators: synonyms, broader terms and the fields of
    work that matching treats as themes."""

    form = SkillForm
    list_display = ["name", "synonyms", "broader_terms", "is_field"]
    list_filter = ["is_field"]
    search_fields = ["name", "alt_labels"]
    readonly_fields = ["narrower_terms"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("broader", "narrower")

    @admin.display(description=_("synonyms"))
    def synonyms(self, obj):
        return ", ".join(obj.alt_labels)

    @admin.display(description=_("broader terms"))
    def broader_terms(self, obj):
        return ", ".join(s.name for s in obj.broader.all())

    @admin.display(description=_("narrower terms"))
    def narrower_terms(self, obj):
        return ", ".join(s.name for s in obj.narrower.all()) if obj.pk else ""


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Coordinators read the audit log; nobody edits it (the database refuses too)."""

    list_display = ["at", "actor_email", "action", "object_repr", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_id", "object_repr"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Follow-ups are scheduled, moved and sent by the follow-up engine exactly once; marking
    one done is the start page's work."""

    list_display = ["title", "kind", "due_on", "status", "assignee", "attempts"]
    list_filter = ["status", "failure", "kind", "municipality"]
    search_fields = ["title_text", "subject_id"]
    date_hierarchy = "due_on"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "status", "delivered_at", "attempts"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False
