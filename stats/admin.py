"""Coordinators see how current the figures are, and can ask for a full rebuild.

The daily figures themselves are not in the admin: they hold unsuppressed small counts; the
dashboards and exports are where figures are read.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import RollupState
from .tasks import figures_rebuild


@admin.register(RollupState)
class RollupStateAdmin(admin.ModelAdmin):
    list_display = ["last_run_at", "last_run_days", "last_run_seconds", "last_full_rebuild_at"]
    readonly_fields = [
        "watermark",
        "as_of",
        "last_run_at",
        "last_run_days",
        "last_run_seconds",
        "last_full_rebuild_at",
    ]
    actions = ["rebuild"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Recompute all figures now"))
    def rebuild(self, request, queryset):
        figures_rebuild.delay_on_commit()
        self.message_user(
            request, _("The figures are being recomputed in the background."), messages.INFO
        )
