"""Demo data of the project package: municipalities, teams and one user per role.

Each app may have a ``demo`` module with ``seed(ctx)``; seed_demo calls them in the order of
INSTALLED_APPS, lower layers first, so a higher app can use what a lower one made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress

from .models import Municipality, Role, Team, User
from .vocabulary import vocabulary_load

MUNICIPALITIES = [
    ("GM0797", "Heusden"),
    ("GM0809", "Loon op Zand"),
    ("GM0867", "Waalwijk"),
]

TEAMS = {
    "Team Heusden": ["GM0797"],
    "Team Langstraat": ["GM0809", "GM0867"],
    "Werkgeversservicepunt": ["GM0797", "GM0809", "GM0867"],
}

DEMO_USERS = [
    # email, first name, last name, role, municipalities, teams
    (
        "caseworker@example.org",
        "Karin",
        "de Klantmanager",
        Role.CASEWORKER,
        ["GM0797", "GM0809"],
        ["Team Heusden"],
    ),
    (
        "coordinator@example.org",
        "Cor",
        "de Coördinator",
        Role.COORDINATOR,
        ["GM0797", "GM0809", "GM0867"],
        ["Werkgeversservicepunt"],
    ),
    ("alderman@example.org", "Wim", "de Wethouder", Role.ALDERMAN, ["GM0797"], []),
    ("employer@example.org", "Eva", "de Ondernemer", Role.EMPLOYER_CONTACT, [], []),
]


@dataclass
class DemoContext:
    """What the seeders share: the password for demo users, and what earlier seeders made."""

    password: str
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def demo_user(
    ctx: DemoContext,
    *,
    email: str,
    role: str,
    first_name: str,
    last_name: str,
    municipalities=(),
    teams=(),
) -> User:
    """Creates or updates one demo user with a verified email address and the demo password."""
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "role": role,
            "is_staff": role == Role.COORDINATOR,
            "is_active": True,
        },
    )
    user.set_password(ctx.password)
    user.save(update_fields=["password"])
    user.municipalities.set(municipalities)
    user.teams.set(teams)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(ctx: DemoContext) -> None:
    for code, name in MUNICIPALITIES:
        ctx.municipalities[code], _ = Municipality.objects.update_or_create(
            cbs_code=code, defaults={"name": name}
        )
    teams = {}
    for name, codes in TEAMS.items():
        teams[name], _ = Team.objects.get_or_create(name=name)
        teams[name].municipalities.set([ctx.municipalities[c] for c in codes])
    for email, first, last, role, codes, team_names in DEMO_USERS:
        ctx.users[role] = demo_user(
            ctx,
            email=email,
            role=role,
            first_name=first,
            last_name=last,
            municipalities=[ctx.municipalities[c] for c in codes],
            teams=[teams[t] for t in team_names],
        )
    # The base skills vocabulary (synonyms, broader terms, fields of work), before the apps'
    # demo data types its words: what the migration loaded, plus anything added to the file since.
    vocabulary_load()


def seed_followups(ctx: DemoContext) -> None:
    """Every app's follow-up rules applied once to the demo data, after all seeders, so the
    caseworkers' to-do lists and the alderman's digest are there at once (beat applies them
    every hour after that). Idempotent like the rules: a second seed makes nothing new the same
    day."""
    from .followups import RulesFailed, followup_rules_apply

    try:
        outcomes = followup_rules_apply()
    except RulesFailed as exc:
        ctx.log.append(f"Follow-up rules: some failed ({exc}); beat tries again within the hour.")
        return
    if outcomes is None:
        return  # beat is applying them right now
    created = sum(o.created for o in outcomes.values())
    ctx.log.append(f"Follow-up rules: {created} new follow-ups.")
