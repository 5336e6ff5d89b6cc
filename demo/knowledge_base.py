"""Demo knowledge base: the page tree in every language and the articles of knowledge/content/."""

from pathlib import Path

import knowledge
from knowledge import tree
from knowledge.importing import import_directory

CONTENT_DIR = Path(knowledge.__file__).resolve().parent / "content"


def seed_demo(password: str | None = None) -> str:
    tree.ensure_tree()
    if not CONTENT_DIR.is_dir():
        return "knowledge base pages; no demo articles (knowledge/content/ is empty)"
    report = import_directory(CONTENT_DIR)
    for error in report.errors:
        print(error)
    return f"knowledge base articles: {report}"
