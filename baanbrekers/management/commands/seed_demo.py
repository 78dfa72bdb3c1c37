import secrets
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from baanbrekers.demo import DEMO_USERS, DemoContext, seed_followups


class Command(BaseCommand):
    help = (
        "Fills the database with synthetic demo data: municipalities, teams, one user per role "
        "and whatever each app's demo module adds. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Create demo users even though DEBUG is off (for a demo or acceptance server).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "DEBUG is off: demo users with known passwords are not created on a real server. "
                "Pass --allow-without-debug if this is a demo server."
            )
        password = settings.DEMO_PASSWORD or secrets.token_urlsafe(12)
        ctx = DemoContext(password=password)
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(ctx)
            # Last, once every app's data is there: the follow-ups the rules want for it.
            seed_followups(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ with:"))
        for email, *_ in DEMO_USERS:
            self.stdout.write(f"  {email:<28} {password}")
