"""Editor-facing panels of the article form."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class TranslationStatusPanel(Panel):
    """Warns editors, on the edit form of a translation, that its source changed since."""

    @property
    def clean_name(self):
        return super().clean_name or "translation_status"

    class BoundPanel(Panel.BoundPanel):
        template_name = "knowledge/admin/translation_status_panel.html"

        def is_shown(self):
            instance = self.instance
            return bool(instance and instance.pk and instance.is_outdated_translation)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["source"] = self.instance.get_translation_source()
            context["heading_text"] = _("Outdated translation")
            return context
