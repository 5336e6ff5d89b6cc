from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from backoffice import security_views, views
from knowledge.sitemaps import sitemap

urlpatterns = [
    path("health/", views.health, name="health"),
    # Account security (backoffice.security_views) and the rate-limited password reset: before
    # Wagtail's admin URLs, so these paths are ours.
    path("admin/security/", security_views.account_security, name="account_security"),
    path("admin/security/mfa/setup/", security_views.mfa_setup, name="mfa_setup"),
    path("admin/security/mfa/verify/", security_views.mfa_verify, name="mfa_verify"),
    path(
        "admin/security/users/<int:user_id>/",
        security_views.user_security,
        name="user_security",
    ),
    path("admin/password_reset/", views.PasswordResetView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", include("tickets.urls")),
    path("search/", include("search.urls")),
    path("", include("directory.urls")),
    path("", include("knowledge.urls")),
    # Wagtail's page tree last: it serves every remaining path of the public site.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "backoffice.error_views.bad_request"
handler403 = "backoffice.error_views.permission_denied"
handler404 = "backoffice.error_views.page_not_found"
handler500 = "backoffice.error_views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
