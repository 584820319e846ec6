"""Memoize mkdocs-material's search index: a page's entries (parsing its HTML), and jieba's cut of each run of
Chinese characters, so that a changed page loads jieba's dictionary only when it has new Chinese words."""

from course_pipeline.memos import MEMOS, jieba_dictionaries, toc_tokens

CHECKED = {"mkdocs-material": ("9.8.1",), "jieba": ("0.42.1",)}


def apply():
    """mkdocs-material's search index: a page's entries (parsing its HTML), and jieba's cut of each run of Chinese
    characters, so that a changed page loads jieba's dictionary only when it has new Chinese words."""
    import material.plugins.search.plugin as search

    index_page, jieba = search.SearchIndex.add_entry_from_context, search.jieba

    class Words:
        """Stands in for jieba in the search plugin, which cuts each run of Han characters with jieba.cut()."""

        dictionaries = None

        def cut(self, text: bytes):
            return MEMOS["words"](lambda: list(jieba.cut(text)), [self.dictionaries, text.decode("utf-8")])

        def __getattr__(self, name):  # set_dictionary() and the rest: jieba's own
            return getattr(jieba, name)

    words = Words()

    def add_entry_from_context(self, page):
        before = len(self.entries)
        words.dictionaries = jieba_dictionaries(self.config)
        inputs = [page.content, page.url, page.title, page.meta, toc_tokens(page.toc), self.config, words.dictionaries]
        self.entries[before:] = MEMOS["search"](lambda: index_page(self, page) or self.entries[before:], inputs)

    search.SearchIndex.add_entry_from_context = add_entry_from_context
    if jieba:
        search.jieba = words
