"""The kept HTML of blank form fields (backoffice.templatetags.wegwijs.field_group): the same
HTML as Django's own rendering, per language, and never for a form holding what was typed."""

from django.utils import translation

from backoffice.templatetags.wegwijs import field_group
from tickets.intake.forms import ReplyForm
from tickets.referrals.moving import MovingForm


def test_a_blank_field_is_rendered_as_django_renders_it_in_each_language():
    for language in ("nl", "fr", "ar"):
        with translation.override(language):
            for form in (ReplyForm(), MovingForm(auto_id="moving_%s")):
                for name in form.fields:
                    expected = form[name].as_field_group()
                    assert field_group(form[name]) == expected  # first: rendered and kept
                    assert field_group(form[name]) == expected  # then: the kept copy
    with translation.override("nl"):
        dutch = field_group(ReplyForm()["body"])
    with translation.override("fr"):
        french = field_group(ReplyForm()["body"])
    assert dutch != french


def test_a_bound_form_keeps_what_was_typed_and_shows_its_errors():
    with translation.override("en"):
        field_group(ReplyForm()["body"])  # a blank copy is kept
        typed = ReplyForm({"body": "My card expires <soon>"})
        assert typed.is_valid()
        html = field_group(typed["body"])
        assert "My card expires &lt;soon&gt;" in html
        empty = ReplyForm({"body": ""})
        assert not empty.is_valid()
        html = field_group(empty["body"])
        assert "Write a message first." in html
        assert "field--error" in html
        assert "field--error" not in field_group(ReplyForm()["body"])


def test_a_field_with_an_initial_value_is_not_kept():
    with translation.override("en"):
        form = MovingForm(auto_id="moving_%s", initial={"municipality": "Gent"})
        assert 'value="Gent"' in field_group(form["municipality"])
        assert 'value="Gent"' not in field_group(MovingForm(auto_id="moving_%s")["municipality"])
