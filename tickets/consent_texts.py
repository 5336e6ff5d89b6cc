"""The consent texts people agree to. Change the words → change the version."""

from django.utils.translation import gettext_lazy as _

PROCESSING_VERSION = "processing-2026-11-v1"
PROCESSING_TEXT = _(
    "I agree that Wegwijs stores my question, my contact details and my files, and that the "
    "legal staff of my region read them to answer me. Wegwijs does not pass them on to anyone "
    "else without asking me. Closed questions are anonymised after the retention period."
)

CLIENT_VERSION = "client-2026-11-v1"
CLIENT_TEXT = _(
    "My client agreed that I ask Wegwijs about their situation. I give no name or other "
    "detail that identifies them unless it is needed for the answer."
)

HANDOVER_VERSION = "handover-2026-11-v1"
HANDOVER_TEXT = _(
    "I agree that Wegwijs passes my question, its answers and my files on to the service the "
    "Wegwijs staff told me about (another regional office of Wegwijs, or an outside service "
    "such as an OCMW or a lawyer), so that they can help me further. This consent is for one "
    "handover."
)
HANDOVER_CLIENT_TEXT = _(
    "My client agreed that Wegwijs passes this consult, its answers and the files on to the "
    "service the Wegwijs staff told us about (another regional office of Wegwijs, or an outside "
    "service such as an OCMW or a lawyer). This consent is for one handover."
)
