"""Life situations: how a newcomer browses the knowledge base (not by law).

The keys are fixed (they are used in the article files, see docs/article-format.md); the labels are
translated through gettext.
"""

from django.utils.translation import gettext_lazy as _

SITUATIONS: dict[str, tuple] = {
    "arrival": (_("Just arrived"), _("Your first steps in Belgium.")),
    "residence-papers": (
        _("Residence papers"),
        _("Residence cards, renewals, visas and your right to stay."),
    ),
    "family": (_("Family"), _("Family reunification, marriage, children and documents.")),
    "moving": (_("Moving house"), _("What to arrange when you move to another municipality.")),
    "money": (_("Money and income"), _("Income support, child benefit and allowances.")),
    "health": (_("Health"), _("Health insurance and medical care.")),
    "work": (_("Work"), _("Permission to work, finding a job and your rights at work.")),
    "school": (_("School"), _("Enrolling your children at school, studying.")),
    "housing": (_("Housing"), _("Renting, rental deposit and social housing.")),
    "nationality": (_("Becoming Belgian"), _("Belgian nationality and what you need for it.")),
}

SITUATION_CHOICES = [(key, label) for key, (label, _description) in SITUATIONS.items()]


def situation_label(key: str) -> str:
    entry = SITUATIONS.get(key)
    return str(entry[0]) if entry else key


def situation_description(key: str) -> str:
    entry = SITUATIONS.get(key)
    return str(entry[1]) if entry else ""
