"""Memos for the slowest pure steps of the site build, so that a rebuild after an edit redoes them only for what
changed: rendering a page's Markdown, indexing a page for search (parsing its HTML), cutting Chinese text into
words (jieba, whose dictionary alone takes most of a second to load) and highlighting a code block (Pygments).
Jinja's own cache keeps the compiled templates of the theme and of nbconvert.

Each result is kept in .cache/site-build/<step>.json under a hash of all the step's inputs and of the versions of
the packages that compute it: the same inputs give the same result, so a memo cannot serve a stale one. Inputs
that cannot be written as JSON are not memoized. Each save keeps only the entries this process used.
"""

import contextlib
import hashlib
import importlib.metadata
import inspect
import json
import logging
import os
import tempfile
from pathlib import Path

from snippets.pipeline.sections import ROOT

CACHE = ROOT / ".cache" / "site-build"


class Memo:
    def __init__(self, name: str, packages: tuple[str, ...]):
        self.path = CACHE / f"{name}.json"
        self.salt = [importlib.metadata.version(package) for package in packages]
        self.known: dict | None = None  # read on first use
        self.used: dict = {}
        self.changed = False

    def __call__(self, compute, inputs, still_valid=lambda result: True):
        try:
            key = hashlib.sha256(json.dumps([self.salt, inputs], ensure_ascii=False).encode()).hexdigest()
        except TypeError:  # an input JSON cannot hold, so no key that surely tells inputs apart
            return compute()
        if self.known is None:
            self.known = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        if key not in self.known or not still_valid(self.known[key]):
            self.known[key], self.changed = compute(), True
        self.used[key] = self.known[key]
        return self.used[key]

    def save(self):
        if self.known is None or not (self.changed or len(self.used) < len(self.known)):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False) as file:
            json.dump(self.used, file, ensure_ascii=False)
        os.replace(file.name, self.path)  # whole or not at all, even with two builds at once
        self.known, self.changed = dict(self.used), False


MEMOS = {"pages": Memo("pages", ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments")),
         "search": Memo("search", ("mkdocs-material", "jieba")), "words": Memo("words", ("jieba",)),
         "highlight": Memo("highlight", ("pymdown-extensions", "pygments"))}


def install():
    _memoize_pages()
    _memoize_search()
    _memoize_highlighting()
    _cache_notebook_templates()


def _memoize_pages():
    """Page.render, Markdown to HTML. Besides the HTML it finds the page's title, table of contents, anchors and
    links to other pages' anchors, and logs broken links: the memo keeps all of these, and logs the same again.
    Its inputs: the page's Markdown (with what the hooks added), its place, the config file, every file's place
    (links resolve against them), and the content of each file it includes (pymdownx.snippets), checked on use."""
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc
    from pymdownx.snippets import SnippetPreprocessor

    render, read_lines, download = Page.render, SnippetPreprocessor.read_lines, SnippetPreprocessor.download
    included = []  # the files the page being rendered reads; None for a download (a URL is never memoized)

    def read_included(self, path):
        included.append(path)
        return read_lines(self, path)

    def download_included(self, url):
        included.append(None)
        return download(self, url)

    download_included.cache_clear = download.cache_clear  # pymdownx.snippets keeps downloads in an lru_cache

    def render_page(self, config, files):
        inputs = [self.markdown, self.file.src_uri, self.file.url, config.theme["language"],
                  Path(config.config_file_path).read_text(encoding="utf-8"), _places(files)]
        ran = []

        def compute():
            ran.append(True)
            included.clear()
            with _logged() as logs:
                render(self, config, files)
            return {"content": self.content, "toc": _toc_tokens(self.toc), "title": self._title_from_render,
                    "anchors": sorted(self.present_anchor_ids),
                    "links": {file.src_uri: links for file, links in (self.links_to_anchors or {}).items()},
                    "logs": logs,
                    "includes": None if None in included else {path: _digest(path) for path in included}}

        def unchanged_includes(result):
            return result["includes"] is not None and all(_digest(path) == digest
                                                          for path, digest in result["includes"].items())

        result = MEMOS["pages"](compute, inputs, still_valid=unchanged_includes)
        if ran:
            return
        self.content, self.toc, self._title_from_render = result["content"], get_toc(result["toc"]), result["title"]
        self.present_anchor_ids = set(result["anchors"])
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as render() does
            self.links_to_anchors = {files.get_file_from_path(path): links for path, links in result["links"].items()}
        for name, level, message in result["logs"]:
            logging.getLogger(name).log(level, message)

    Page.render, SnippetPreprocessor.read_lines, SnippetPreprocessor.download = \
        render_page, read_included, download_included


def _memoize_search():
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
        words.dictionaries = _dictionaries(self.config)
        inputs = [page.content, page.url, page.title, page.meta, _toc_tokens(page.toc), self.config, words.dictionaries]
        self.entries[before:] = MEMOS["search"](lambda: index_page(self, page) or self.entries[before:], inputs)

    search.SearchIndex.add_entry_from_context = add_entry_from_context
    if jieba:
        search.jieba = words


def _memoize_highlighting():
    """pymdown-extensions' highlighter (Pygments), for blocks without a title."""
    from pymdownx.highlight import Highlight

    highlight = Highlight.highlight
    signature = inspect.signature(highlight)

    def highlight_block(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        arguments = {name: value for name, value in call.arguments.items() if name != "self"}
        if arguments["inline"] or arguments["title"] is not None or self.auto_title:
            # inline code is an element, not text; a title goes to the page's HTML stash, a side effect
            return highlight(self, *args, **kwargs)
        settings = {name: value for name, value in vars(self).items() if name != "md"}
        return MEMOS["highlight"](lambda: highlight(self, *args, **kwargs), [settings, arguments])

    Highlight.highlight = highlight_block


def _cache_notebook_templates():
    """mkdocs-jupyter makes a new nbconvert exporter, so a new Jinja, for every notebook: give each Jinja's cache."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    create_environment = TemplateExporter._create_environment

    def notebook_templates(self):
        environment = create_environment(self)
        environment.bytecode_cache = templates()
        return environment

    TemplateExporter._create_environment = notebook_templates


@contextlib.contextmanager
def _logged():
    """What mkdocs logs meanwhile, as [logger name, level, message]."""
    logs, handler = [], logging.Handler()
    handler.emit = lambda record: logs.append([record.name, record.levelno, record.getMessage()])
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        yield logs
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).is_file() else None


_last_places = (None, None)


def _places(files):
    """A digest of every file's source and URL; worked out once per build (a build has one Files)."""
    global _last_places
    if _last_places[0] is not files:
        places = json.dumps([[file.src_uri, file.url] for file in files])
        _last_places = (files, hashlib.sha256(places.encode()).hexdigest())
    return _last_places[1]


def _toc_tokens(toc):
    """The tokens mkdocs.structure.toc.get_toc() makes this table of contents from."""
    return [{"level": item.level, "id": item.id, "name": item.title, "children": _toc_tokens(item.children)}
            for item in toc]


def _dictionaries(config):
    """The jieba dictionaries the search config names, by content: they decide how Chinese is cut."""
    return [hashlib.sha256(Path(config[name]).read_bytes()).hexdigest() if Path(config[name] or "").is_file()
            else None for name in ("jieba_dict", "jieba_dict_user")]


def templates():
    """Jinja's own cache of compiled templates: it checks each template's source before using its entry."""
    from jinja2 import FileSystemBytecodeCache

    (CACHE / "templates").mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(CACHE / "templates"))


def save():
    for memo in MEMOS.values():
        memo.save()
