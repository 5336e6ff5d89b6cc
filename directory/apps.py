from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The social map: local services, where newcomers can go in their municipality.

    Platform data: it may use `backoffice`; `tickets` and `knowledge` may use it, it uses neither.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = _("Directory of local services")
