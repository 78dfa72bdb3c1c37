import pytest
from django.http import Http404

from baanbrekers.access import get_visible_or_404, scope_to_municipalities
from baanbrekers.models import Municipality


@pytest.fixture
def all_municipalities(heusden, loon_op_zand, waalwijk):
    return Municipality.objects.all()


def codes(qs):
    return sorted(qs.values_list("cbs_code", flat=True))


def test_coordinator_sees_every_municipality(all_municipalities, coordinator):
    assert codes(scope_to_municipalities(all_municipalities, coordinator, field="pk")) == [
        "GM0797",
        "GM0809",
        "GM0867",
    ]


def test_caseworker_sees_own_municipalities_only(all_municipalities, caseworker_waalwijk):
    assert codes(scope_to_municipalities(all_municipalities, caseworker_waalwijk, field="pk")) == [
        "GM0867"
    ]


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
def test_others_see_nothing_of_the_back_office(all_municipalities, request, who):
    user = request.getfixturevalue(who)
    assert not scope_to_municipalities(all_municipalities, user, field="pk").exists()


def test_a_miss_or_someone_elses_record_is_a_404(all_municipalities, caseworker_waalwijk, heusden):
    scoped = scope_to_municipalities(all_municipalities, caseworker_waalwijk, field="pk")
    with pytest.raises(Http404):
        get_visible_or_404(scoped, heusden.pk)
    with pytest.raises(Http404):
        get_visible_or_404(scoped, "not-a-number")


def test_the_region_rule_is_asked_only_by_visible_to_methods():
    """``scope_to_municipalities`` is called only inside the models' ``visible_to`` (DESIGN.md
    §9): views, selectors, forms, serializers and exports ask the model instead."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    callers = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in (".venv", "tests", "bench") or "migrations" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"scope_to_municipalities\(", text) and relative.as_posix() not in (
            "baanbrekers/access.py",
        ):
            # Allowed in models.py, and there only within a visible_to method.
            if path.name != "models.py":
                callers.append(relative.as_posix())
                continue
            for method in re.split(r"\n    def ", text)[1:]:
                if "scope_to_municipalities(" in method and not method.startswith("visible_to("):
                    callers.append(f"{relative.as_posix()}: {method.split('(')[0]}")
    assert callers == []
