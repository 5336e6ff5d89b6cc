"""`{% chrome_fragment "name" vary... %}...{% endchrome_fragment %}`: a part of an admin page
kept per user, language and chrome generation (backoffice.admin_chrome), and per the values
after the name (e.g. the request's query string)."""

from django import template

from backoffice import admin_chrome

register = template.Library()


class ChromeFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        name = self.name.resolve(context)
        vary = [value.resolve(context) for value in self.vary]
        cache_key = admin_chrome.key(context.get("request"), f"fragment:{name}", *vary)
        return admin_chrome.kept(cache_key, lambda: self.nodelist.render(context))


@register.tag("chrome_fragment")
def chrome_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("chrome_fragment needs a fragment name")
    nodelist = parser.parse(("endchrome_fragment",))
    parser.delete_first_token()
    return ChromeFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
