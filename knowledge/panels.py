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


class LegalReviewStatusPanel(Panel):
    """Tells an editor, on the edit form of an article in Legal review, why they cannot approve
    it (yet): they submitted it themselves (four eyes), or its text is not complete."""

    @property
    def clean_name(self):
        return super().clean_name or "legal_review_status"

    class BoundPanel(Panel.BoundPanel):
        template_name = "knowledge/admin/legal_review_status_panel.html"

        def _refusal(self):
            from knowledge import review

            instance = self.instance
            if not (instance and instance.pk and instance.workflow_in_progress):
                return None
            return review.approval_refusal(instance, self.request.user)

        def is_shown(self):
            return bool(self._refusal())

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["refusal"] = self._refusal()
            context["heading_text"] = _("Not ready for approval")
            return context
