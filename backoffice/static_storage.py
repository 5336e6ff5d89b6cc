"""Static files as WhiteNoise serves them (hashed names, compressed copies), with each file's
URL worked out once per process.

Every admin page asks for a few hundred static URLs (Wagtail's sidebar packs the media of each
menu item and compares their HTML; widgets, icons and scripts each name theirs), and each
lookup goes through the manifest's name cleaning and hashing code again. The manifest is read
once when the process starts, so a URL cannot change while the process runs: it is kept.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force)
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = super().url(name, force)
        return url
