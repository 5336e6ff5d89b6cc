"""Documents made from questions and handovers: the DOCX builders, making them (jobs: at once
or by the worker), the record of processing, handing a question over with consent (handover),
the pages (views) and their admin URLs and menu (wagtail_hooks). The records are in
tickets.models.documents."""
