import pytest
from django.core.exceptions import ValidationError

from baanbrekers.models import AuditEvent
from employers import services
from employers.models import (
    ContactKind,
    Employer,
    EmployerStatus,
    OpeningKind,
    OpeningStatus,
    ReferralStatus,
)

from .factories import EmployerFactory, OpeningFactory, ReferralFactory


def test_employer_create_normalises_postcode_and_grows_the_vocabulary(caseworker_heusden, heusden):
    employer = services.employer_create(
        created_by=caseworker_heusden,
        kvk_number="12345678",
        trade_name="Tuincentrum De Groene Vingers",
        postcode="5161ab",
        municipality=heusden,
        valued_skills=["Klantvriendelijk", " geduld ", "klantvriendelijk"],
    )
    employer.refresh_from_db()
    assert employer.postcode == "5161 AB"
    assert sorted(s.name for s in employer.valued_skills.all()) == ["Klantvriendelijk", "geduld"]
    # A caseworker who registers an employer becomes its relationship owner.
    assert employer.relationship_owner == caseworker_heusden


@pytest.mark.parametrize(
    ("kvk", "postcode", "field"),
    [
        ("1234567", "5161 AB", "kvk_number"),
        ("12345678", "0161 AB", "postcode"),
        ("12345678", "5161 SS", "postcode"),
        ("abcdefgh", "5161 AB", "kvk_number"),
    ],
)
def test_employer_create_refuses_bad_kvk_or_postcode_and_saves_nothing(
    caseworker_heusden, heusden, kvk, postcode, field
):
    with pytest.raises(ValidationError) as exc:
        services.employer_create(
            created_by=caseworker_heusden,
            kvk_number=kvk,
            trade_name="X",
            postcode=postcode,
            municipality=heusden,
        )
    assert field in exc.value.message_dict
    assert not Employer.objects.exists()


def test_employer_create_refuses_a_registered_kvk_number(caseworker_heusden, bakery_heusden):
    with pytest.raises(ValidationError) as exc:
        services.employer_create(
            created_by=caseworker_heusden,
            kvk_number=bakery_heusden.kvk_number,
            trade_name="Dubbel",
            postcode="5251 AB",
            municipality=bakery_heusden.municipality,
        )
    assert "kvk_number" in exc.value.message_dict
    assert Employer.objects.count() == 1


def test_employer_update_leaves_the_row_alone_on_bad_input(caseworker_heusden, bakery_heusden):
    with pytest.raises(ValidationError):
        services.employer_update(
            employer=bakery_heusden, updated_by=caseworker_heusden, postcode="nope", trade_name="Y"
        )
    bakery_heusden.refresh_from_db()
    assert (bakery_heusden.postcode, bakery_heusden.trade_name) == (
        "5251 AB",
        "Bakkerij De Korenschoof",
    )


def test_contact_person_changes_are_audited(caseworker_heusden, bakery_heusden):
    contact = services.employer_contact_create(
        employer=bakery_heusden, created_by=caseworker_heusden, name="Ans Verhoeven", role="HR"
    )
    services.employer_contact_update(
        contact=contact, updated_by=caseworker_heusden, role="Eigenaar"
    )
    events = AuditEvent.objects.filter(object_type="employers.EmployerContact")
    assert [(e.action, e.actor_id) for e in events.order_by("id")] == [
        ("create", caseworker_heusden.pk),
        ("update", caseworker_heusden.pk),
    ]
    assert events.order_by("id").last().detail == {"fields": ["role"]}


def test_recording_a_contact_revives_a_dormant_employer(caseworker_heusden, bakery_heusden):
    bakery_heusden.status = EmployerStatus.DORMANT
    bakery_heusden.save()
    moment = services.contact_moment_record(
        employer=bakery_heusden, author=caseworker_heusden, kind=ContactKind.PHONE, summary="Gebeld"
    )
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.status == EmployerStatus.ACTIVE
    assert moment.happened_at is not None


def test_opening_create_validates_period_and_postcode(caseworker_heusden, bakery_heusden):
    import datetime

    with pytest.raises(ValidationError) as exc:
        services.opening_create(
            employer=bakery_heusden,
            created_by=caseworker_heusden,
            kind=OpeningKind.PLACEMENT,
            title="Ontwikkelplek",
            start_date=datetime.date(2026, 3, 1),
            end_date=datetime.date(2026, 2, 1),
        )
    assert "end_date" in exc.value.message_dict
    opening = services.opening_create(
        employer=bakery_heusden,
        created_by=caseworker_heusden,
        kind=OpeningKind.BUDDY,
        title="Maatje",
        location_postcode="5251ab",
        competences=["Geduld"],
    )
    assert opening.location_postcode == "5251 AB"
    assert [s.name.lower() for s in opening.competences.all()] == ["geduld"]


def test_opening_close_only_from_open(caseworker_heusden, bakery_heusden):
    opening = OpeningFactory(employer=bakery_heusden)
    services.opening_close(opening=opening, closed_by=caseworker_heusden, filled=True)
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.FILLED
    with pytest.raises(ValidationError):
        services.opening_close(opening=opening, closed_by=caseworker_heusden)


def test_referral_becomes_a_prospect_in_one_step(caseworker_heusden, bakery_heusden):
    referral = ReferralFactory(referring_employer=bakery_heusden, postcode="5161 AB")
    prospect = services.referral_convert_to_prospect(
        referral=referral, converted_by=caseworker_heusden
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONVERTED
    assert referral.converted_employer == prospect
    assert prospect.status == EmployerStatus.PROSPECT
    assert prospect.kvk_number == referral.kvk_number
    assert prospect.municipality == bakery_heusden.municipality
    assert prospect.relationship_owner == caseworker_heusden
    assert [c.name for c in prospect.contacts.all()] == ["Jan de Vries"]
    assert bakery_heusden.trade_name in prospect.contact_moments.get().summary


def test_referral_of_a_registered_company_is_refused_and_names_it(
    caseworker_heusden, bakery_heusden, metal_waalwijk
):
    referral = ReferralFactory(
        referring_employer=bakery_heusden, kvk_number=metal_waalwijk.kvk_number
    )
    with pytest.raises(services.ReferralNotConvertible) as exc:
        services.referral_convert_to_prospect(referral=referral, converted_by=caseworker_heusden)
    assert exc.value.existing == metal_waalwijk
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    assert Employer.objects.count() == 2


def test_referral_without_kvk_is_refused_and_a_second_conversion_too(
    caseworker_heusden, bakery_heusden
):
    incomplete = ReferralFactory(referring_employer=bakery_heusden, kvk_number="")
    with pytest.raises(services.ReferralNotConvertible):
        services.referral_convert_to_prospect(referral=incomplete, converted_by=caseworker_heusden)
    complete = ReferralFactory(referring_employer=bakery_heusden)
    services.referral_convert_to_prospect(referral=complete, converted_by=caseworker_heusden)
    with pytest.raises(services.ReferralNotConvertible):
        services.referral_convert_to_prospect(referral=complete, converted_by=caseworker_heusden)
    assert Employer.objects.count() == 2


def test_employer_factory_sanity(db):
    assert EmployerFactory().municipality.cbs_code == "GM0797"


def test_relationship_owner_must_work_in_the_employers_municipality(
    caseworker_heusden, caseworker_waalwijk, coordinator, bakery_heusden
):
    with pytest.raises(ValidationError) as info:
        services.employer_update(
            employer=bakery_heusden,
            updated_by=caseworker_heusden,
            relationship_owner=caseworker_waalwijk,
        )
    assert "relationship_owner" in info.value.message_dict
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.relationship_owner != caseworker_waalwijk
    for owner in (caseworker_heusden, coordinator):
        services.employer_update(
            employer=bakery_heusden, updated_by=caseworker_heusden, relationship_owner=owner
        )
        bakery_heusden.refresh_from_db()
        assert bakery_heusden.relationship_owner == owner
