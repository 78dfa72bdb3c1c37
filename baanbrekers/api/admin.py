"""API tokens in the admin: your own only, to look at and revoke. Nobody makes a token here:
that takes a fresh two-factor check on /profile/api-tokens/, and only for oneself (so a
coordinator cannot mint a token to act as someone else). knox's own admin, which makes tokens
for any user, is taken out."""

from django.contrib import admin
from knox.models import AuthToken

from .models import ApiToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class OwnApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "created", "expiry", "last_used_at"]
    fields = ["name", "created", "expiry", "last_used_at"]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(knox_token__user=request.user)
            .select_related("knox_token")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        own = obj is None or obj.knox_token.user_id == request.user.pk
        return own and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        obj.knox_token.delete()  # the secret's digest goes, and our record with it
