"""What the landing and index pages list (always through the audience rule)."""


def landing_context(landing, request) -> dict:
    return {}


def index_context(index_page, request) -> dict:
    return {}
