from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Role

HOME_TEMPLATES = {
    Role.CASEWORKER: "home/caseworker.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.ALDERMAN: "home/alderman.html",
    Role.EMPLOYER_CONTACT: "home/employer_contact.html",
}


@require_GET
def home(request):
    """The start page: what this user's role works on first."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/anonymous.html")
    role = Role.COORDINATOR if user.is_superuser else user.role
    template = HOME_TEMPLATES.get(role, "home/no_role.html")
    context = {"municipalities": user.municipalities.all()}
    return render(request, template, context)
