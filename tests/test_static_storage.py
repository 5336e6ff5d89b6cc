"""backoffice.static_storage: a static file's URL is worked out once per process, and is the
URL WhiteNoise's manifest storage gives (a missing file still fails, every time)."""

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from backoffice.static_storage import StaticFilesStorage


@pytest.fixture
def storages(tmp_path, settings):
    settings.DEBUG = False
    made = []
    for cls in (CompressedManifestStaticFilesStorage, StaticFilesStorage):
        storage = cls(location=str(tmp_path), base_url="/static/")
        storage.hashed_files = {"app/site.css": "app/site.0123abcd.css"}
        storage.manifest_strict = True
        made.append(storage)
    return made


def test_urls_are_the_manifest_storages(storages):
    plain, kept = storages
    for name in ("app/site.css", "app/site.css"):
        assert kept.url(name) == plain.url(name) == "/static/app/site.0123abcd.css"


def test_a_missing_file_fails_every_time_and_is_not_kept(storages):
    _plain, kept = storages
    for _attempt in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("app/missing.js")
    assert ("app/missing.js", False) not in kept._urls
