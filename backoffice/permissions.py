"""Permission policies for platform models in the Wagtail admin."""

from wagtail.permission_policies.base import ModelPermissionPolicy


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """For records written by the system only (the audit log): nobody adds, edits or deletes,
    not even a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])
