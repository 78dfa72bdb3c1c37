import pytest

from employers.models import Employer


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("caseworker_heusden", {"Bakkerij De Korenschoof"}),
        ("caseworker_waalwijk", {"Metaalwerkplaats Van Dongen"}),
        ("coordinator", {"Bakkerij De Korenschoof", "Metaalwerkplaats Van Dongen"}),
        # The visits app shows aldermen the companies they visit; this list is not theirs.
        ("alderman", set()),
        ("employer_contact_a", {"Bakkerij De Korenschoof"}),
        ("employer_contact_b", {"Metaalwerkplaats Van Dongen"}),
    ],
)
def test_visible_employers_per_role(
    request, who, expected, bakery_heusden, metal_waalwijk, contact_a_at_bakery, contact_b_at_metal
):
    user = request.getfixturevalue(who)
    assert {e.trade_name for e in Employer.objects.visible_to(user)} == expected


def test_inactive_user_sees_nothing(coordinator, bakery_heusden):
    coordinator.is_active = False
    coordinator.save()
    assert not Employer.objects.visible_to(coordinator).exists()


@pytest.mark.parametrize(
    ("who", "timeline", "tips", "openings", "contacts"),
    [
        ("caseworker_heusden", {"bakery"}, {"bakery"}, {"bakery"}, {"bakery"}),
        ("coordinator", {"bakery", "metal"}, {"bakery", "metal"}, {"bakery", "metal"}, None),
        ("alderman", set(), set(), set(), set()),
        # A contact sees their company's offers and people, never the timeline or the tips.
        ("employer_contact_a", set(), set(), {"bakery"}, {"bakery"}),
    ],
)
def test_related_rows_follow_the_employers_visible_to(
    request,
    who,
    timeline,
    tips,
    openings,
    contacts,
    bakery_heusden,
    metal_waalwijk,
    contact_a_at_bakery,
    contact_b_at_metal,
):
    from employers.models import ContactMoment, EmployerContact, Opening, Referral
    from tests.employers.factories import ContactMomentFactory, OpeningFactory, ReferralFactory

    names = {bakery_heusden.pk: "bakery", metal_waalwijk.pk: "metal"}
    for employer in (bakery_heusden, metal_waalwijk):
        ContactMomentFactory(employer=employer)
        ReferralFactory(referring_employer=employer)
        OpeningFactory(employer=employer)
    user = request.getfixturevalue(who)

    def seen(qs, field="employer_id"):
        return {names[value] for value in qs.values_list(field, flat=True)}

    assert seen(ContactMoment.objects.visible_to(user)) == timeline
    assert seen(Referral.objects.visible_to(user), "referring_employer_id") == tips
    assert seen(Opening.objects.visible_to(user)) == openings
    if contacts is not None:
        assert seen(EmployerContact.objects.visible_to(user)) == contacts
