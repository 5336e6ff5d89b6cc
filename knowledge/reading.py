"""What an article page shows its reader beyond its fields."""


def article_context(article, request) -> dict:
    return {}
