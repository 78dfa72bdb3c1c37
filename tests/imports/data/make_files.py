"""Writes the browser test's messy files from tests/imports/files.py (synthetic data):

    .venv/bin/python -m tests.imports.data.make_files

- ``employers_messy.csv``: Windows-1252, semicolons, empty lines, a duplicate row (row 7) and a
  KvK number of seven digits (row 8): the dry run shows one error and one warning;
- ``jobseekers.xlsx``: BSNs as number cells, a birth date as an Excel serial number and one as
  a date cell, one BSN that fails the eleven-test (row 5), an unknown skill word (row 4); the
  caseworker column names karin@heusden.example.org (the tests' caseworker of Heusden).
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    from tests.imports import files

    (HERE / "employers_messy.csv").write_bytes(files.employers_csv())
    (HERE / "jobseekers.xlsx").write_bytes(
        files.jobseekers_xlsx(files.jobseeker_rows("karin@heusden.example.org"))
    )


if __name__ == "__main__":
    import django

    django.setup()
    main()
