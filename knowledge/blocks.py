"""StreamField blocks of a knowledge base article."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]
WARNING_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ChecklistItemBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("document or item"), max_length=250)
    when_needed = blocks.CharBlock(label=_("when needed"), max_length=250, required=False)


class LegalReferenceBlock(blocks.StructBlock):
    instrument = blocks.CharBlock(label=_("legal instrument"), max_length=250)
    article = blocks.CharBlock(label=_("article"), max_length=100, required=False)
    url = blocks.URLBlock(label=_("link"), required=False)

    class Meta:
        template = "knowledge/blocks/legal_reference.html"
        icon = "doc-full"
        label = _("Legal reference")


class WhereToGoBlock(blocks.StructBlock):
    service = blocks.CharBlock(label=_("service"), max_length=250)
    place = blocks.CharBlock(label=_("municipality or region"), max_length=250, required=False)
    contact = blocks.CharBlock(label=_("contact"), max_length=250, required=False)

    class Meta:
        template = "knowledge/blocks/where_to_go.html"
        icon = "site"
        label = _("Where to go")


class ArticleBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        features=RICH_FEATURES, label=_("Text"), template="knowledge/blocks/rich_text.html"
    )
    checklist = blocks.ListBlock(
        ChecklistItemBlock(),
        label=_("Checklist of documents"),
        icon="tasks",
        template="knowledge/blocks/checklist.html",
    )
    steps = blocks.ListBlock(
        blocks.TextBlock(label=_("step")),
        label=_("Numbered steps"),
        icon="list-ol",
        template="knowledge/blocks/steps.html",
    )
    legal_reference = LegalReferenceBlock()
    warning = blocks.RichTextBlock(
        features=WARNING_FEATURES,
        label=_("Deadline or warning"),
        icon="warning",
        template="knowledge/blocks/warning.html",
    )
    where_to_go = WhereToGoBlock()
