"""StreamField blocks of the public home page."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

PLAIN_FEATURES = ["bold", "italic", "link", "ol", "ul"]

link_target = RegexValidator(
    r"^(/[^\s]*|https://[^\s]+|mailto:[^\s]+|tel:\+?[0-9 ]+)$",
    _("Use a path on this site (/nl/...), an https:// address, mailto: or tel:."),
)


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=PLAIN_FEATURES)

    class Meta:
        template = "backoffice/blocks/section.html"
        icon = "doc-full"
        label = _("Section")


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"))


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        template = "backoffice/blocks/steps.html"
        icon = "list-ol"
        label = _("Numbered steps")


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=80)
    link = blocks.CharBlock(label=_("link"), max_length=300, validators=[link_target])
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False)

    class Meta:
        template = "backoffice/blocks/call_to_action.html"
        icon = "link"
        label = _("Call to action")


class HomeBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    steps = StepsBlock()
    call_to_action = CallToActionBlock()
