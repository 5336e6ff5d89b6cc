"""Every user-facing string is translated in every UI language, and catalogues match the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "backoffice", "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_every_language_but_none_else():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _ in settings.LANGUAGES}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path.parts[-3]}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path.parts[-3]}: {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_placeholders_survive_translation(path):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for entry in polib.pofile(str(path)).translated_entries():
        expected = set(placeholder.findall(entry.msgid))
        if not entry.msgid_plural:
            assert expected == set(placeholder.findall(entry.msgstr)), entry.msgid
            continue
        # A plural form may name the count where the English singular does not ("One article
        # found." is "%(counter)s article found" for Ukrainian 21), but never invent one.
        allowed = expected | set(placeholder.findall(entry.msgid_plural))
        for translation in entry.msgstr_plural.values():
            assert set(placeholder.findall(translation)) <= allowed, entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed: apt-get install gettext",
)
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """Run makemessages on a copy and compare the msgids with the committed catalogue."""
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "__pycache__", "*.mo", "node_modules"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(copy),
        },
    )
    assert result.returncode == 0, result.stderr
    fresh = {
        e.msgid
        for e in polib.pofile(str(copy / "backoffice/locale/nl/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    committed = {
        e.msgid
        for e in polib.pofile(str(source / "backoffice/locale/nl/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    assert fresh - committed == set(), "run `make messages` and translate the new strings"
