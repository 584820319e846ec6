"""Memoize pymdown-extensions' highlighter (Pygments) for code blocks without a title: the same block, with the
same settings, is highlighted once."""

import inspect

from course_pipeline.memos import MEMOS

CHECKED = {"pymdown-extensions": ("13.1",), "pygments": ("2.21.0",)}


def apply():
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
