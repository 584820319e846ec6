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
import json
import logging
import os
import tempfile
from pathlib import Path

from course_pipeline.freshness import memo_salt

FOLDER = ".cache/site-build"  # in the project's folder
cache = Path(FOLDER)  # the project's, once place_in() has been called


def place_in(root: Path) -> None:
    """Keep the memos in this project's folder."""
    global cache
    cache = root / FOLDER


class Memo:
    def __init__(self, name: str, packages: tuple[str, ...], folder: Path | None = None):
        self.name, self.folder = name, folder  # the folder: the project's .cache/site-build unless given
        self.salt = memo_salt(packages)
        self.known: dict | None = None  # read on first use
        self.used: dict = {}
        self.changed = False

    def __call__(self, compute, inputs, still_valid=lambda result: True):
        try:
            key = hashlib.sha256(json.dumps([self.salt, inputs], ensure_ascii=False).encode()).hexdigest()
        except TypeError:  # an input JSON cannot hold, so no key that surely tells inputs apart
            return compute()
        if self.known is None:
            self.path = (self.folder or cache) / f"{self.name}.json"
            self.known = self._read()
        if key not in self.known or not still_valid(self.known[key]):
            self.known[key], self.changed = compute(), True
        self.used[key] = self.known[key]
        return self.used[key]

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            known = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(known, dict):
                return known
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
        logging.getLogger("mkdocs.plugins.course").warning(
            "%s was damaged; it is ignored and made again by this build", self.path
        )
        return {}

    def save(self):
        if self.known is None or not (self.changed or len(self.used) < len(self.known)):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False) as file:
            json.dump(self.used, file, ensure_ascii=False)
        os.replace(file.name, self.path)  # whole or not at all, even with two builds at once
        self.known, self.changed = dict(self.used), False


MEMOS = {
    "pages": Memo("pages", ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments")),
    "search": Memo("search", ("mkdocs-material", "jieba")),
    "words": Memo("words", ("jieba",)),
    "highlight": Memo("highlight", ("pymdown-extensions", "pygments")),
}


@contextlib.contextmanager
def logged():
    """What mkdocs logs meanwhile, as [logger name, level, message]."""
    logs, handler = [], logging.Handler()
    handler.emit = lambda record: logs.append([record.name, record.levelno, record.getMessage()])
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        yield logs
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)


def digest_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).is_file() else None


_last_places = (None, None)


def places(files):
    """A digest of every file's source and URL; worked out once per build (a build has one Files)."""
    global _last_places
    if _last_places[0] is not files:
        places = json.dumps([[file.src_uri, file.url] for file in files])
        _last_places = (files, hashlib.sha256(places.encode()).hexdigest())
    return _last_places[1]


def toc_tokens(toc):
    """The tokens mkdocs.structure.toc.get_toc() makes this table of contents from."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": toc_tokens(item.children)} for item in toc
    ]


def jieba_dictionaries(config):
    """The jieba dictionaries the search config names, by content: they decide how Chinese is cut."""
    return [
        hashlib.sha256(Path(config[name]).read_bytes()).hexdigest() if Path(config[name] or "").is_file() else None
        for name in ("jieba_dict", "jieba_dict_user")
    ]


def templates():
    """Jinja's own cache of compiled templates: it checks each template's source before using its entry."""
    from jinja2 import FileSystemBytecodeCache

    (cache / "templates").mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(cache / "templates"))


def save():
    for memo in MEMOS.values():
        memo.save()
