from django.forms.renderers import TemplatesSetting


class WegwijsFormRenderer(TemplatesSetting):
    """Django's renderer, looking in our templates first, with our field layout."""

    field_template_name = "forms/field.html"
