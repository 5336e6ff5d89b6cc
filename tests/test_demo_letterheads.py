"""The demo gives each demo region its letterhead (name, address, phone, logo), once."""

import pytest

from demo import platform as platform_demo
from demo import questions as demo
from demo.questions import LETTERHEADS
from tickets.models import Letterhead


@pytest.mark.django_db
def test_seed_demo_makes_the_letterheads_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    platform_demo.seed_demo("demo-password-123")  # regions, accounts
    assert demo.seed_demo("demo-password-123")["letterheads"] == len(LETTERHEADS)
    letterheads = {letterhead.region.slug: letterhead for letterhead in Letterhead.objects.all()}
    assert set(letterheads) == set(LETTERHEADS)
    for slug, (name, address, phone, _colour) in LETTERHEADS.items():
        letterhead = letterheads[slug]
        assert (letterhead.name, letterhead.address, letterhead.phone) == (name, address, phone)
        assert letterhead.logo is not None and letterhead.logo.file.size > 0
    assert demo.seed_demo("demo-password-123")["letterheads"] == 0
    assert Letterhead.objects.count() == len(LETTERHEADS)
