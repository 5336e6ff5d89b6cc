"""Privacy of questions: the one anonymisation function (anonymisation), retention, legal
holds and erasure requests (retention: the rules), the public and staff pages (views) and the
privacy desk's admin URLs and menu (wagtail_hooks). The records are in tickets.models.privacy."""
