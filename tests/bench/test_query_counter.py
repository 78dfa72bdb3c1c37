"""The bench's statement count per request (bench.middleware.StatementCounter): session
bookkeeping, with the savepoints around it, is left out; the page's own statements, savepoints
included, are counted."""

from bench.middleware import StatementCounter


def _count(statements: list[str]) -> int:
    counter = StatementCounter()
    for sql in statements:
        counter(lambda *args: None, sql, None, False, {})
    return counter.total()


def test_session_bookkeeping_and_its_savepoints_are_not_the_pages():
    page = ['SELECT "jobseekers_jobseeker"."id" FROM "jobseekers_jobseeker"'] * 3
    allauth = [
        'SELECT "usersessions_usersession"."id" FROM "usersessions_usersession"',
        'SAVEPOINT "s1_x1"',
        'INSERT INTO "usersessions_usersession" ("user_id") VALUES (1)',
        'RELEASE SAVEPOINT "s1_x1"',
        'UPDATE "django_session" SET "session_data" = \'x\'',
    ]
    assert _count(page) == 3
    assert _count(page + allauth) == 3
    assert _count(allauth[:1] + page + allauth[1:]) == 3


def test_a_pages_own_savepoints_count():
    own = [
        'SAVEPOINT "s1_x1"',
        'INSERT INTO "baanbrekers_auditevent" ("actor_id") VALUES (1)',
        'RELEASE SAVEPOINT "s1_x1"',
    ]
    assert _count(own) == 3
    assert _count(own * 4) == 12
    assert _count(['SAVEPOINT "s1_x1"']) == 1
