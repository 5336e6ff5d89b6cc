"""The complete list of municipalities of Flanders and Brussels (directory/data/municipalities.csv).

Source of the list: the 300 Flemish municipalities of 2019 with their postcodes, the fifteen
fewer of the mergers of 1 January 2025 applied (285 Flemish municipalities), and the 19
municipalities of the Brussels-Capital Region: 304 rows. A merged municipality keeps every
postcode of the municipalities it absorbed.

Loading is idempotent and keyed by the Dutch name: an existing `backoffice.Municipality` of that
name (questions may point to it) keeps its row and its back-office region; a new one gets the
back-office region of its province (`DIRECTORY_PROVINCE_REGIONS`, region slugs). A province whose
region does not exist is skipped and counted, never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities.csv"

# Province (Dutch name; "" for Brussels) -> slug of the back-office region serving it.
DEFAULT_PROVINCE_REGIONS = {
    "Antwerpen": "antwerpen",
    "Limburg": "antwerpen",
    "Oost-Vlaanderen": "gent",
    "West-Vlaanderen": "gent",
    "Vlaams-Brabant": "brussel",
    "": "brussel",
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


def read_rows(path: Path = DATA_FILE) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def province_regions() -> dict[str, str]:
    return {**DEFAULT_PROVINCE_REGIONS, **getattr(settings, "DIRECTORY_PROVINCE_REGIONS", {})}


def load_municipalities(apps=None, path: Path = DATA_FILE) -> LoadResult:
    """Create or complete every municipality of the list. `apps`: a migration's registry."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Municipality = apps.get_model("backoffice", "Municipality")
    Region = apps.get_model("backoffice", "Region")
    Facts = apps.get_model("directory", "MunicipalityFacts")
    PostalCode = apps.get_model("directory", "PostalCode")

    regions = {region.slug: region for region in Region.objects.all()}
    mapping = province_regions()
    result = LoadResult()
    with transaction.atomic():
        for row in read_rows(path):
            name = row["name"].strip()
            existing = Municipality.objects.filter(name__iexact=name).order_by("pk").first()
            if existing is None:
                region = regions.get(mapping.get(row["province"], ""))
                if region is None:
                    result.skipped.append(name)
                    continue
                existing = Municipality.objects.create(
                    name=name, postcode=row["postcode"], region=region
                )
                result.created += 1
            else:
                result.updated += 1
            Facts.objects.update_or_create(
                municipality=existing,
                defaults={
                    "area": row["area"],
                    "province": row["province"],
                    "name_fr": row["name_fr"],
                },
            )
            for code in row["postcodes"].split():
                PostalCode.objects.get_or_create(code=code, municipality=existing)
    return result
