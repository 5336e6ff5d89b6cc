"""The Django admin is kept for superusers only (e.g. django-q2's task monitor)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backoffice import outbox
from backoffice.models import OutboxTask


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = _("Wegwijs – technical administration")


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("waiting")), ("done", _("done")), ("given_up", _("given up"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(done_at=None, given_up_at=None)
        if self.value() == "done":
            return queryset.exclude(done_at=None)
        if self.value() == "given_up":
            return queryset.exclude(given_up_at=None)
        return queryset


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Side effects (backoffice.outbox): what waits, what failed and why. Read-only; a row
    given up (e.g. after a long mail server outage) can be handed over again."""

    list_display = [
        "pk", "handler", "args", "created_at", "attempts", "dispatches", "done_at",
        "given_up_at",
    ]  # fmt: skip
    list_filter = [OutboxStateFilter, "handler"]
    search_fields = ["handler", "last_error"]
    ordering = ["-pk"]
    actions = ["hand_over_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hand over again now"))
    def hand_over_again(self, request, queryset):
        count = outbox.hand_over_again(queryset.filter(done_at=None).values_list("pk", flat=True))
        self.message_user(request, _("%(count)d side effects handed over.") % {"count": count})
