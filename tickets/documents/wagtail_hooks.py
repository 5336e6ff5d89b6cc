"""Admin URLs and menu item of documents and handover (imported by tickets.wagtail_hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tickets.documents import views


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path("questions/<int:pk>/letter/", views.export_letter, name="tickets_export_letter"),
        path(
            "questions/<int:pk>/case-file/",
            views.export_case_file,
            name="tickets_export_case_file",
        ),
        path(
            "questions/<int:pk>/handover/consent/",
            views.record_consent,
            name="tickets_handover_consent",
        ),
        path("questions/<int:pk>/handover/transfer/", views.transfer, name="tickets_transfer"),
        path(
            "questions/<int:pk>/handover/external/",
            views.hand_over_external,
            name="tickets_hand_over_external",
        ),
        path("questions/<int:pk>/read-only/", views.read_only, name="tickets_read_only"),
        path("questions/handed-over/", views.handed_over_list, name="tickets_handed_over"),
        path("questions/documents/<uuid:pk>/", views.staff_document, name="tickets_document"),
        path(
            "questions/documents/<uuid:pk>/file/",
            views.staff_document_file,
            name="tickets_document_file",
        ),
    ]


class HandedOverMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("tickets.view_question")


@hooks.register("register_admin_menu_item")
def register_handed_over_menu_item():
    return HandedOverMenuItem(
        _("Handed over"), reverse("tickets_handed_over"), icon_name="resubmit", order=51
    )
