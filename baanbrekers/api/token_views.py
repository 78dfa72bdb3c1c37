"""The page where a user makes, sees and revokes their own API tokens (/profile/api-tokens/).

Any signed-in user may have tokens for themselves; making one needs a two-factor check within the
last few minutes (allauth's "confirm with two-factor" page sends the user back here, the chosen
name kept). The secret is shown once, right after making it; only its digest is stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from baanbrekers.viewtools import apply_service_errors

from .tokens import api_token_create, api_token_revoke, api_tokens_of, two_factor_is_fresh


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “export to our spreadsheet”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _confirm_url(request, name: str = "") -> str:
    back = reverse("api_tokens") + (f"?{urlencode({'name': name})}" if name else "")
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    has_two_factor = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    fresh = has_two_factor and two_factor_is_fresh(request)
    form = ApiTokenForm(request.POST or None, initial={"name": request.GET.get("name", "")[:80]})
    new_token = secret = None
    status = 200
    if request.method == "POST":
        if not has_two_factor:
            raise PermissionDenied
        if form.is_valid():
            if not fresh:
                # The check expired while the form was open: confirm again, the name kept.
                return redirect(_confirm_url(request, form.cleaned_data["name"]))
            try:
                new_token, secret = api_token_create(
                    user=request.user, name=form.cleaned_data["name"], request=request
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                form = ApiTokenForm()
        if form.errors:
            status = 400
    return render(
        request,
        "profile/api_tokens.html",
        {
            "form": form,
            "tokens": api_tokens_of(request.user),
            "has_two_factor": has_two_factor,
            "fresh": fresh,
            "confirm_url": _confirm_url(request, request.GET.get("name", "")[:80]),
            "new_token": new_token,
            "secret": secret,
        },
        status=status,
    )


@login_required
@require_POST
def api_token_revoke_view(request, public_id):
    api_token_revoke(user=request.user, public_id=public_id, request=request)
    messages.success(request, _("The token has been revoked; it no longer works."))
    return redirect("api_tokens")
