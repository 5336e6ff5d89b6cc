"""The user admin of Wegwijs: Wagtail's user views, forms and bulk actions, held to the rule of
`backoffice.roles` (who may manage which account, which roles and regions they may hand out).

Wagtail's own views are kept; each path asks `roles` before it shows or changes an account:
the listing shows only manageable accounts, the forms offer only assignable roles and regions
(and ignore what else is posted), edit and delete refuse other accounts, and the bulk actions
(activate/deactivate, assign role, delete) leave unmanageable accounts out.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from backoffice import roles


class RoleBoundFormMixin:
    """Offers only what the signed-in actor may hand out: no superuser switch unless they are a
    superuser, only assignable roles, only their own regions. Fields not offered are not read."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        is_superuser = for_user is not None and for_user.is_superuser
        if not is_superuser:
            self.fields.pop("is_superuser", None)
        if "groups" in self.fields:
            self.fields["groups"].queryset = roles.assignable_groups(for_user)
        self.fields["regions"] = forms.ModelMultipleChoiceField(
            queryset=roles.manageable_regions(for_user),
            required=not is_superuser,
            widget=forms.CheckboxSelectMultiple,
            label=_("Regions"),
            help_text=_("The regional back-offices this person works for."),
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["regions"] = list(
                self.instance.profile.regions.values_list("pk", flat=True)
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not roles.can_manage_user(self.for_user, self.instance):
            raise forms.ValidationError(_("You cannot change this account."))
        return cleaned

    def save(self, commit=True):
        kept_groups = []
        if self.instance.pk is not None:
            # Roles the actor cannot hand out are not theirs to take away either.
            kept_groups = list(
                self.instance.groups.exclude(pk__in=roles.assignable_groups(self.for_user))
            )
        user = super().save(commit=commit)
        if commit:
            if kept_groups:
                user.groups.add(*kept_groups)
            profile = user.profile
            kept_regions = list(
                profile.regions.exclude(pk__in=roles.manageable_regions(self.for_user))
            )
            profile.regions.set([*self.cleaned_data["regions"], *kept_regions])
        return user


class WegwijsUserCreationForm(RoleBoundFormMixin, UserCreationForm):
    pass


class WegwijsUserEditForm(RoleBoundFormMixin, UserEditForm):
    pass


class _ForUserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class IndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=roles.manageable_users(self.request.user))


class CreateView(_ForUserFormMixin, wagtail_users.CreateView):
    template_name = "backoffice/users/create.html"

    def dispatch(self, request, *args, **kwargs):
        if not roles.can_create_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditView(_ForUserFormMixin, wagtail_users.EditView):
    template_name = "backoffice/users/edit.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not roles.can_manage_user(request.user, self.object):
            raise PermissionDenied
        self.can_delete = roles.can_delete_user(request.user, self.object)


class DeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if not roles.can_delete_user(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return WegwijsUserEditForm if for_update else WegwijsUserCreationForm


# Bulk actions: the same action types as Wagtail's, registered after them so they replace them.


class ManagedSetActiveStateBulkAction(SetActiveStateBulkAction):
    def check_perm(self, obj):
        return roles.can_manage_user(self.request.user, obj)


class ManagedAssignRoleBulkAction(AssignRoleBulkAction):
    def check_perm(self, obj):
        return roles.can_manage_user(self.request.user, obj)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = roles.assignable_groups(self.request.user)
        return form


class ManagedDeleteBulkAction(DeleteBulkAction):
    def check_perm(self, obj):
        return roles.can_delete_user(self.request.user, obj)


USER_BULK_ACTIONS = (
    ManagedSetActiveStateBulkAction,
    ManagedAssignRoleBulkAction,
    ManagedDeleteBulkAction,
)
