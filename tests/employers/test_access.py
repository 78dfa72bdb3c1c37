import pytest

from employers.access import visible_employers


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
    assert {e.trade_name for e in visible_employers(user)} == expected


def test_inactive_user_sees_nothing(coordinator, bakery_heusden):
    coordinator.is_active = False
    coordinator.save()
    assert not visible_employers(coordinator).exists()
