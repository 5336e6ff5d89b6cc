"""The sitemap: every live public page of the site in every language, articles only when their
audience is public (the audience rule decides, as for an anonymous visitor)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from knowledge.audiences import readable_audiences
from knowledge.models import ArticlePage


class PublicSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        roots = root.get_translations(inclusive=True)
        in_site = Q()
        for translated_root in roots:
            in_site |= Q(path__startswith=translated_root.path)
        hidden = ArticlePage.objects.exclude(audience__in=readable_audiences(AnonymousUser()))
        return (
            Page.objects.filter(in_site)
            .live()
            .public()
            .exclude(pk__in=hidden.values("pk"))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


def sitemap(request):
    from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

    return wagtail_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
