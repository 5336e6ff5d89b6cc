"""The specialist's workspace for one question, inside the Wagtail admin.

- `viewset`: WorkspaceViewSet, the URLs (one view class per action);
- `views`: the page and the actions (send, draft, status, take, triage, close...);
- `forms`: parse input, show what tickets.lifecycle refused;
- `panels`: what each panel of the page shows, and the fragments sent after "Send" in place.
"""

from tickets.workspace.panels import find_related_items, related_items

__all__ = ["find_related_items", "related_items"]
