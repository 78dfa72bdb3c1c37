"""The admin's shared rules (DESIGN.md §9), and the project-level models' admins.

Every ``ModelAdmin`` of a domain model uses these mixins:

- ``VisibleToAdminMixin``: the rows are the model's ``visible_to(request.user)`` (or, for a model
  that is part of another's file, that model's via ``visible_through``), as on the pages.
- ``ReadOnlyAdminMixin``: for models whose writes have side effects (follow-ups, audit log,
  timeline lines, state machines) the admin only shows; the pages change them through the
  services. A model whose admin does write calls its service in ``save_model``
  (``jobseekers.admin``).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from .models import AuditEvent, FollowUp, Municipality, OutboxEmail, Skill, Team, User


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


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


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
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["title_text", "subject_id"]
    date_hierarchy = "due_on"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "delivered_at", "attempts", "failed"]
    list_filter = ["failed"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False


# DRF's own token admin lets anyone with the permission (every coordinator) make or read a
# token for any user, i.e. act as them in the API. Here each user sees and makes only their own.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class OwnApiTokenAdmin(admin.ModelAdmin):
    """Your own API token: make it, read it, delete it. Nobody else's."""

    list_display = ["key", "created"]
    fields = ["user", "key", "created"]
    readonly_fields = ["user", "key", "created"]
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request)
            and not TokenProxy.objects.filter(user=request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        own = obj is None or obj.user_id == request.user.pk
        return own and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.user = request.user
        obj.save()
