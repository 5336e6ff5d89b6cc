from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

from backoffice import signin


class WegwijsFormRenderer(TemplatesSetting):
    """Django's renderer, looking in our templates first, with our field layout."""

    field_template_name = "forms/field.html"


class LockoutMessageMixin:
    """Sign-in forms say so when the lockout (backoffice.signin) refused the attempt."""

    def get_invalid_login_error(self):
        message = signin.locked_message(self.request)
        if message:
            return forms.ValidationError(message, code="locked")
        return super().get_invalid_login_error()


class AdminLoginForm(LockoutMessageMixin, LoginForm):
    """Wagtail's sign-in form (/admin/login/) with the lockout's message."""


class PublicLoginForm(LockoutMessageMixin, AuthenticationForm):
    """The public sign-in form (/<lang>/login/) with the lockout's message."""


class AdminPasswordResetForm(PasswordResetForm):
    """Wagtail's password-reset form, limited per client and per address (backoffice.signin).

    The view (backoffice.views.PasswordResetView) hands it the request."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and self.request is not None:
            refusal = signin.password_reset_refused(self.request, email)
            if refusal:
                raise forms.ValidationError(refusal, code="rate_limited")
        return cleaned
