"""Memoize mkdocs' Page.render, Markdown to HTML, the slowest step of a page's build. Besides the HTML it finds the
page's title, table of contents, anchors and links to other pages' anchors, and logs broken links: the memo keeps
all of these, and logs the same again. Its inputs: the page's Markdown (with what the plugin added), its place,
the config file, every file's place (links resolve against them), and the content of each file it includes
(pymdownx.snippets' reads are tracked for this), checked on use."""

import logging
from pathlib import Path

from course_pipeline.memos import MEMOS, digest_file, logged, places, toc_tokens

CHECKED = {"mkdocs": ("1.6.1",), "pymdown-extensions": ("13.1",)}


def apply():
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
        inputs = [
            self.markdown,
            self.file.src_uri,
            self.file.url,
            config.theme["language"],
            Path(config.config_file_path).read_text(encoding="utf-8"),
            places(files),
        ]
        ran = []

        def compute():
            ran.append(True)
            included.clear()
            with logged() as logs:
                render(self, config, files)
            return {
                "content": self.content,
                "toc": toc_tokens(self.toc),
                "title": self._title_from_render,
                "anchors": sorted(self.present_anchor_ids),
                "links": {file.src_uri: links for file, links in (self.links_to_anchors or {}).items()},
                "logs": logs,
                "includes": None if None in included else {path: digest_file(path) for path in included},
            }

        def unchanged_includes(result):
            return result["includes"] is not None and all(
                digest_file(path) == digest for path, digest in result["includes"].items()
            )

        result = MEMOS["pages"](compute, inputs, still_valid=unchanged_includes)
        if ran:
            return
        self.content, self.toc, self._title_from_render = result["content"], get_toc(result["toc"]), result["title"]
        self.present_anchor_ids = set(result["anchors"])
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as render() does
            self.links_to_anchors = {files.get_file_from_path(path): links for path, links in result["links"].items()}
        for name, level, message in result["logs"]:
            logging.getLogger(name).log(level, message)

    Page.render, SnippetPreprocessor.read_lines, SnippetPreprocessor.download = (
        render_page,
        read_included,
        download_included,
    )
