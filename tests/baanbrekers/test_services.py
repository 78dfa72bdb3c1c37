import datetime
import threading

import pytest
from django.db import connection

from baanbrekers.followups import followup_kind_register
from baanbrekers.models import FollowUp, Skill
from baanbrekers.services import followup_schedule, skills_from_names


def test_vocabulary_grows_and_ignores_case_and_spacing(db):
    # The base vocabulary is loaded by a migration; these words are not in it.
    before = Skill.objects.count()
    first = skills_from_names(["Ballonvaren", "zeefdrukken", "  zweefvliegen   in de zomer "])
    assert [s.name for s in first] == ["Ballonvaren", "zeefdrukken", "zweefvliegen in de zomer"]
    again = skills_from_names(["ballonvaren", "ZEEFDRUKKEN", "Kitesurfen", "LASSEN"])
    assert again[0].pk == first[0].pk and again[1].pk == first[1].pk
    assert again[3].name == "lassen"
    assert Skill.objects.count() == before + 4
    assert skills_from_names(["", "   "]) == []


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_adding_the_same_new_word_at_once_make_one_entry():
    barrier = threading.Barrier(4)
    results, errors = [], []

    def add():
        try:
            barrier.wait()
            results.append(skills_from_names(["Vorkheftruck"])[0].pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert Skill.objects.filter(name__iexact="vorkheftruck").count() == 1


def test_followup_schedule_is_idempotent_per_rule_subject_and_day(caseworker_heusden, heusden):
    due = datetime.date(2026, 12, 1)
    followup_kind_register(key="test.rule", title="%(text)s")
    a = followup_schedule(
        kind="test.rule",
        subject=heusden,
        due_on=due,
        params={"text": "Bel"},
        assignee=caseworker_heusden,
    )
    b = followup_schedule(
        kind="test.rule", subject=heusden, due_on=due, params={"text": "Bel nogmaals"}
    )
    assert a.pk == b.pk
    assert FollowUp.objects.get().title == "Bel"
    followup_schedule(
        kind="test.rule", subject=heusden, due_on=due + datetime.timedelta(1), params={"text": "x"}
    )
    assert FollowUp.objects.count() == 2
