"""The directory in the Wagtail admin: entries with drafts, revisions and a review date, kept by
the coordinators of the entry's region; import and export of the whole list."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
    UnpublishView,
)

from directory import admin_views
from directory import services as directory
from directory.models import Service

# Actions on one entry that change it: only within the regions one maintains.
_CHANGING = {"change", "delete", "publish", "unpublish", "lock", "unlock"}


class ServicePermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, and for a given entry: only its region's coordinators."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in _CHANGING:
            return directory.can_manage(user, instance)
        return True

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if set(actions) & _CHANGING and not user.is_superuser:
            queryset = queryset.filter(region__in=directory.managed_regions(user))
        return queryset


register_permission_policy(Service, ServicePermissionPolicy(Service))


class ServiceForm(WagtailAdminModelForm):
    """A coordinator chooses among the regions they maintain."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "region" in self.fields:
            self.fields["region"].queryset = directory.managed_regions(for_user)


class _RegionCheckedMixin:
    """Opening an entry to change it asks the one rule: only its region's coordinators."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not directory.can_manage(self.request.user, instance):
            raise PermissionDenied
        return instance


class ServiceEditView(_RegionCheckedMixin, EditView):
    pass


class ServiceUnpublishView(_RegionCheckedMixin, UnpublishView):
    pass


class ServiceIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if user.is_superuser or directory.managed_regions(user).exists():
            buttons.append(
                HeaderButton(_("Import"), url=reverse("directory_import"), icon_name="upload")
            )
        buttons.append(
            HeaderButton(_("Export CSV"), url=reverse("directory_export"), icon_name="download")
        )
        buttons.append(
            HeaderButton(
                _("Export XLSX"),
                url=reverse("directory_export") + "?format=xlsx",
                icon_name="download",
            )
        )
        return buttons


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "site"
    menu_label = _("Local services")
    menu_name = "directory"
    menu_order = 790
    add_to_admin_menu = True
    index_view_class = ServiceIndexView
    edit_view_class = ServiceEditView
    unpublish_view_class = ServiceUnpublishView
    list_display = [
        "name",
        "kind",
        "region",
        Column("town", label=_("Town")),
        DateColumn("review_date", label=_("Review date")),
        "live",
    ]
    list_filter = ["kind", "region", "live"]
    search_fields = ["name", "town", "key"]
    ordering = ["review_date", "name"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("name"), FieldPanel("key"), FieldPanel("kind"), FieldPanel("region")],
                heading=_("Service"),
            ),
            FieldPanel("description"),
            FieldPanel("municipalities"),
            FieldPanel("legal_domains"),
            MultiFieldPanel(
                [
                    FieldPanel("languages"),
                    FieldPanel("interpreter_available"),
                    FieldPanel("opening_hours"),
                    FieldPanel("walk_in_times"),
                    FieldPanel("accessibility"),
                ],
                heading=_("At the counter"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("town")]),
                    FieldPanel("phone"),
                    FieldPanel("email"),
                    FieldPanel("website"),
                ],
                heading=_("How to reach them"),
            ),
            FieldRowPanel(
                [FieldPanel("last_checked"), FieldPanel("review_date")],
                heading=_("Checks"),
            ),
        ],
        base_form_class=ServiceForm,
    )


register_snippet(ServiceViewSet)


@hooks.register("register_admin_urls")
def directory_admin_urls():
    return [
        path("directory/import/", admin_views.import_view, name="directory_import"),
        path("directory/export/", admin_views.export_view, name="directory_export"),
    ]
