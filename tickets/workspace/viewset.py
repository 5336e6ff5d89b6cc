"""The workspace as a Wagtail viewset: one view class per action, registered through
`get_urlpatterns()` (the register_admin_viewset hook in tickets.wagtail_hooks)."""

from django.urls import path
from wagtail.admin.viewsets.base import ViewSet

from tickets.workspace import views


class WorkspaceViewSet(ViewSet):
    """Under /admin/questions/, beside the question listing (QuestionViewSet). The URL names
    are global, without a namespace: "tickets_workspace" and the others are older than the
    viewset and are reversed in templates, e-mails, the search index and other apps."""

    name = "workspace"
    icon = "help"
    url_prefix = "questions"
    url_namespace = None  # names as they are (ViewSetRegistry includes without a namespace)

    def get_url_name(self, view_name):
        return view_name

    def get_urlpatterns(self):
        return [
            path("<int:pk>/workspace/", views.WorkspaceView.as_view(), name="tickets_workspace"),
            path(
                "<int:pk>/workspace/send/",
                views.ComposeView.as_view(),
                name="tickets_workspace_compose",
            ),
            path(
                "<int:pk>/workspace/status/",
                views.StatusView.as_view(),
                name="tickets_workspace_status",
            ),
            path(
                "<int:pk>/workspace/take/", views.TakeView.as_view(), name="tickets_workspace_take"
            ),
            path(
                "<int:pk>/workspace/triage/",
                views.TriageView.as_view(),
                name="tickets_workspace_triage",
            ),
            path(
                "<int:pk>/workspace/close/",
                views.CloseView.as_view(),
                name="tickets_workspace_close",
            ),
            path(
                "<int:pk>/article-links/",
                views.ArticleLinksView.as_view(),
                name="tickets_article_links",
            ),
            path("preview/", views.PreviewView.as_view(), name="tickets_preview"),
        ]
