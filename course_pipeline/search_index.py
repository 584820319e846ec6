"""The search index, one per language."""

import json


def split_by_language(project, combined):
    """One search index per language, each with that language's pages only: half the bytes for every page to
    load, and results in the page's own language.

    mkdocs-static-i18n writes one index with every language's pages at the site root. The root keeps the default
    language's pages; /<code>/ gets another language's, and its pages look for their index there (see
    on_post_page).
    """
    if not combined.exists():
        return
    index = json.loads(combined.read_text(encoding="utf-8"))
    others = [language for language in project.languages if not language.default]

    def language_of(doc):
        return next(
            (language for language in others if doc["location"].startswith(language.url_prefix)),
            project.default_language,
        )

    found = [language_of(doc) for doc in index["docs"]]
    if len(set(found)) < len(project.languages):
        return  # one language's build, not the final index yet
    for language in project.languages:
        folder = combined.parent if language.default else combined.parent.parent / language.code / "search"
        docs = [
            {**doc, "location": doc["location"].removeprefix(language.url_prefix)}
            for doc, its in zip(index["docs"], found)
            if its == language
        ]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(
            json.dumps({**index, "docs": docs}, ensure_ascii=False), encoding="utf-8"
        )
