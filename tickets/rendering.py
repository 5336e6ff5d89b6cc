"""Markdown from requesters and staff, rendered to HTML that is safe to show anyone."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
