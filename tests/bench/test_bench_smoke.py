"""The benchmark suite at test size (``python -m bench run --size tiny``): every benchmark runs
end to end (gunicorn with the bench's production settings, a Celery worker, locust, the SMTP
sink, the import's own benchmark) and the query counts of the lists do not grow with the page
number or the page length. No timing is asserted: figures belong in docs/performance.md.

The data set is seed_scale's ``tiny`` size in a database of its own next to DATABASE_URL's
(``<name>_bench_tiny``), filled on the first run and reused after that.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

# It starts gunicorn, a worker and locust and migrates a throwaway database for the import.
pytestmark = [pytest.mark.slow, pytest.mark.worker]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "tiny.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [
        sys.executable, "-m", "bench", "run", "--size", "tiny", "--requests", "2",
        "--warmup", "1", "--raw-runs", "1", "--load-seconds", "2", "--load-users", "2",
        "--followups", "50", "--import-rows", "100", "--output", str(output),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(output.read_text())


def test_every_page_answers_with_its_query_count(report):
    from bench.runner import pages

    expected = {page.key for page in pages(_Subjects(), later_page=2)}
    assert set(report["pages"]) == expected
    for key, page in report["pages"].items():
        assert page["queries"] and page["queries"] > 0, key
        assert page["raw_statements"] > 0, key
        assert page["raw_ratio"] is not None, key
    assert {"js_list_all", "js_search_all", "emp_list_all"} <= set(report["admin"])


def test_query_counts_are_constant(report):
    """A later page and a longer page (25 vs 100 rows) cost no more queries than the first, and
    every repeat of a page the same. (The API's last page may cost one fewer: it knows the count
    from its own rows, baanbrekers/api/pagination.py.)"""
    pairs = report["checks"]["constant_queries"]
    assert pairs, "no pairs compared"
    for pair, (first, second) in pairs.items():
        assert second <= first, f"{pair}: {first} vs {second} queries"
    assert report["verdicts"]["queries constant: js_list vs js_list_100"]
    varied = [key for key, page in report["pages"].items() if page["queries_varied"]]
    assert varied == []


def test_the_other_benchmarks_ran(report):
    assert report["load"]["trivial"]["requests"] > 0
    assert report["load"]["jobseeker_list"]["requests"] > 0
    assert report["load"]["jobseeker_list"]["failures"] == 0
    assert report["matching"]["jobseekers"] > 0
    assert report["rollup"]["full_rows"] > 0
    assert report["followups"]["delivered"] == report["followups"]["rows"] == 50
    assert report["followups"]["marked_sent"] == 50
    assert report["memory"]["web_worker_peak_rss_mb"] > 0
    assert report["memory"]["worker_peak_rss_mb"] > 0
    if (PROJECT_DIR / "bench" / "import_bench.py").exists():
        assert set(report["import"]["phases"]) == {"upload", "dry run", "import"}
    assert report["verdicts"], "every target is judged"


class _Subjects:
    """Enough of bench.dataset.Subjects to list the pages' keys."""

    def __getattr__(self, name):
        return 1
