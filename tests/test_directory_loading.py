"""Loading the municipality list into a database that holds only a few municipalities (the
other directory tests share one loaded list: tests/test_directory.py)."""

import pytest

from backoffice.models import Municipality
from tests.directory_helpers import load_places, make_regions

pytestmark = pytest.mark.django_db


def test_loading_keeps_existing_municipalities_and_is_idempotent():
    regions = make_regions()
    existing = Municipality.objects.create(name="Gent", postcode="9000", region=regions["brussel"])
    first = load_places()
    second = load_places()
    existing.refresh_from_db()
    assert existing.region == regions["brussel"]  # a row questions may point to is kept
    assert Municipality.objects.filter(name="Gent").count() == 1
    assert first.created == 303 and second.created == 0
    assert set(existing.postal_codes.values_list("code", flat=True)) >= {"9000", "9030", "9052"}
