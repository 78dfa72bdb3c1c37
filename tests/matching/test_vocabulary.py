"""The skills vocabulary as a small thesaurus: the base vocabulary the migration loaded, loading it
again, coordinators editing it in the admin, and the engine reading it."""

import pytest

from baanbrekers.models import Skill
from baanbrekers.vocabulary import vocabulary_data, vocabulary_load
from matching.concepts import Vocabulary
from tests.baanbrekers.factories import skill

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_the_base_vocabulary():
    rows = vocabulary_data()
    assert Skill.objects.count() >= len(rows) >= 100
    fietsenmaker = Skill.objects.get(name="fietsenmaker")
    assert "rijwielhersteller" in fietsenmaker.alt_labels
    assert [s.name for s in fietsenmaker.broader.all()] == ["sleutelen"]
    assert Skill.objects.get(name="techniek").is_field
    assert "fietsenmaker" in {s.name for s in Skill.objects.get(name="sleutelen").narrower.all()}


def test_loading_again_adds_only_what_is_missing_and_keeps_edits():
    lassen = Skill.objects.get(name="lassen")
    lassen.alt_labels = ["lasser", "booglassen"]
    lassen.save()
    lassen.broader.clear()
    assert vocabulary_load() == 0
    lassen.refresh_from_db()
    assert "booglassen" in lassen.alt_labels and lassen.alt_labels.count("lasser") == 1
    # The broader link the file names is back; nothing the coordinator added is gone.
    assert [s.name for s in lassen.broader.all()] == ["metaalbewerking"]
    assert vocabulary_load(concepts=[{"name": "stratenmaken", "broader": ["bouw"]}]) == 1
    assert Skill.objects.get(name="stratenmaken").broader.get().name == "bouw"


def test_a_typed_word_that_is_a_synonym_counts_as_its_concept():
    typed = skill("Rijwielhersteller")  # a caseworker types it; it stays its own row
    vocabulary = Vocabulary.load()
    fietsenmaker = Skill.objects.get(name="fietsenmaker")
    assert vocabulary.concept_of(typed.pk) == fietsenmaker.pk
    assert vocabulary.relation(typed.pk, fietsenmaker.pk) == "synonym"
    assert vocabulary.themes(typed.pk) == {Skill.objects.get(name="techniek").pk}
    # A new word nobody has linked yet is only itself.
    new = skill("ballonvaren")
    assert Vocabulary.load().themes(new.pk) == frozenset()


def test_the_vocabulary_loads_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        Vocabulary.load()


def _form(skill_obj, **changes):
    data = {
        "name": skill_obj.name,
        "alt_labels": ",".join(skill_obj.alt_labels),
        "broader": [s.pk for s in skill_obj.broader.all()],
        "is_field": "on" if skill_obj.is_field else "",
    }
    data.update(changes)
    return data


def test_a_coordinator_edits_synonyms_and_broader_terms_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/admin/baanbrekers/skill/?q=rijwielhersteller").status_code == 200
    new = skill("e-bikes repareren")
    fietsenmaker = Skill.objects.get(name="fietsenmaker")
    url = f"/admin/baanbrekers/skill/{new.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, _form(new, alt_labels="e-bikemonteur", broader=[fietsenmaker.pk]))
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.alt_labels == ["e-bikemonteur"]
    assert list(new.broader.all()) == [fietsenmaker]


def test_the_admin_refuses_a_taken_synonym_and_a_loop(client, coordinator):
    client.force_login(coordinator)
    sleutelen = Skill.objects.get(name="sleutelen")
    fietsenmaker = Skill.objects.get(name="fietsenmaker")
    url = f"/admin/baanbrekers/skill/{sleutelen.pk}/change/"
    taken = client.post(url, _form(sleutelen, alt_labels="monteur, rijwielhersteller"))
    assert taken.status_code == 200
    assert "is al een synoniem van ‘fietsenmaker’" in taken.content.decode()
    loop = client.post(url, _form(sleutelen, broader=[fietsenmaker.pk]))
    assert loop.status_code == 200
    assert "Een bredere term kan niet de vaardigheid zelf zijn" in loop.content.decode()
    assert not sleutelen.broader.filter(pk=fietsenmaker.pk).exists()


def test_caseworkers_cannot_edit_the_vocabulary(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get("/admin/baanbrekers/skill/", follow=True).status_code == 403
