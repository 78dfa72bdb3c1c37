import datetime

import pytest

from stats.synthetic import generate

START = datetime.date(2024, 1, 1)
AS_OF = datetime.date(2026, 6, 15)


@pytest.fixture
def generated(heusden, loon_op_zand, waalwijk):
    """Two and a half years of synthetic activity in the three municipalities."""
    return generate(
        municipalities=[heusden, loon_op_zand, waalwijk],
        start=START,
        days=(AS_OF - START).days + 60,  # some future job starts too
        jobseekers_per_municipality=40,
        seed=11,
    )
