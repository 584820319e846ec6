"""The one reader of a page's Markdown structure: where its code fences are (at the top level or nested in
admonitions, folded blocks and tabs), which snippet sections its python fences include, and which lines are
prose. The include lines, the notebooks, the test collector, the glossary check and the Chinese line joiner all
read pages through it.

A fence opens with three or more backticks or tildes, at any indentation, and closes with a line of the same
character, at least as long, and nothing else (as in CommonMark).
"""

import re
from dataclasses import dataclass

from course_pipeline.sections import INCLUDE, SnippetError

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}(?=[^`]*$)|~{3,})(?P<info>.*)$")
PYTHON = ("python", "py", "python3", "py3")
PYTHON_LIKE = ("pycon", "python-repl", "pyrepl", "ipython", "ipython3", "python2", "py2", "jupyter", "pyi")
SNIPPET_LINE = re.compile(r"^[ \t]*-+8<-+")  # what pymdownx.snippets reads as an include (`;--8<--` is text)


@dataclass(frozen=True)
class Fence:
    start: int  # 0-based index of the opening line
    end: int  # 0-based index of the closing line
    indent: str  # the opening line's indentation (a fence in an admonition is indented)
    info: str  # what follows the ticks: "python", "{ .text title="..." }"
    lines: tuple[str, ...]  # the lines between the opening and closing lines, without the indentation

    @property
    def language(self) -> str:
        """The info string's first word, lowercase, without Pandoc-style braces: "python" for `{.Python}`."""
        words = self.info.strip().lstrip("{").split()
        return words[0].lstrip(".").lower() if words else ""

    @property
    def is_python(self) -> bool:
        return self.language in PYTHON


def fences(text: str, where: str = "<text>") -> list[Fence]:
    """Every code fence of a Markdown text, in order. `where` names the file in the error for an unclosed fence."""
    lines, found, number = text.split("\n"), [], 0
    while number < len(lines):
        opened = FENCE_OPEN.match(lines[number])
        if not opened:
            number += 1
            continue
        indent, ticks = opened["indent"], opened["ticks"]
        closing = re.compile(rf"^[ \t]*{re.escape(ticks[0])}{{{len(ticks)},}}[ \t]*$")
        end = next((n for n in range(number + 1, len(lines)) if closing.match(lines[n])), None)
        if end is None:
            raise SnippetError(f"{where}:{number + 1}: code fence is never closed; close it with {ticks}")
        body = tuple(
            line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[number + 1 : end]
        )
        found.append(Fence(number, end, indent, opened["info"].strip(), body))
        number = end + 1
    return found


@dataclass(frozen=True)
class Include:
    page: str  # page path, relative to the project's root
    line: int  # 1-based line of the include line in the page
    path: str  # snippet file
    name: str  # section name
    indent: str  # indentation of the fence (fences nested in tabs or admonitions are indented)
    fence_end: int  # 1-based line of the fence's closing line


def includes(page: str, text: str) -> list[Include]:
    """The snippet sections that a page's python fences include, in page order. A python fence holds include
    lines only (`--8<-- "snippets/FILE.py:SECTION"`), and blank lines: the code lives in snippets/. Code that looks
    like Python in another fence, and include lines anywhere else, are refused: the tests would not run them."""
    found, all_fences = [], fences(text, page)
    for fence in all_fences:
        if fence.is_python:
            found += _python_fence_includes(page, fence)
            continue
        repl = next(
            (n for n, line in enumerate(fence.lines, fence.start + 2) if line.lstrip().startswith(">>> ")), None
        )
        if fence.language in PYTHON_LIKE or repl:
            raise SnippetError(
                f"{page}:{repl or fence.start + 1}: Python in a `{fence.language or 'plain'}` fence is shown but never "
                f"run by the tests; put the code in a section of a snippets/ file and show it in a python fence"
            )
    inside = {n for fence in all_fences if fence.is_python for n in range(fence.start, fence.end + 1)}
    for number, line in enumerate(text.split("\n")):
        if number not in inside and SNIPPET_LINE.match(line):
            raise SnippetError(
                f"{page}:{number + 1}: an include line outside a python fence: pymdownx.snippets would paste that "
                f"file here, untested; include sections in python fences only (write ;--8<-- to show the line)"
            )
    return found


def _python_fence_includes(page: str, fence: Fence) -> list[Include]:
    found = []
    for offset, line in enumerate(fence.lines, fence.start + 2):
        include = INCLUDE.match(line)
        if include and not include["path"].startswith("snippets/"):
            raise SnippetError(
                f"{page}:{offset}: includes {include['path']}; pages include sections of files in snippets/ only"
            )
        if include:
            found.append(Include(page, offset, include["path"], include["name"], fence.indent, fence.end + 1))
        elif "8<-" in line:
            raise SnippetError(
                f'{page}:{offset}: not an include line; write --8<-- "snippets/FILE.py:SECTION", '
                f"with a section name of letters, digits, - and _, starting with a letter"
            )
        elif line.strip():
            raise SnippetError(
                f"{page}:{offset}: python code written on the page; move it into a section of a "
                f'snippets/ file and include it with --8<-- "snippets/FILE.py:SECTION"'
            )
    return found


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, line) of every line outside code fences."""
    inside = {n for fence in fences(text) for n in range(fence.start, fence.end + 1)}
    return [(number + 1, line) for number, line in enumerate(text.split("\n")) if number not in inside]


def unindent_fences(text: str) -> str:
    """The text with every nested fence moved to the left margin, line numbers kept: a CommonMark parser then
    sees fences in admonitions, folded blocks and tabs as fences (pytest-markdown-docs collects only those)."""
    lines = text.split("\n")
    for fence in fences(text):
        if fence.indent:
            lines[fence.start] = lines[fence.start][len(fence.indent) :]
            lines[fence.start + 1 : fence.end] = fence.lines
            lines[fence.end] = lines[fence.end].lstrip()
    return "\n".join(lines)


CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"  # ，。：；、！？（）「」 and friends
CJK_IDEOGRAPHS = "\u2e80-\u2fff\u3040-\u9fff"
CJK_LINE_BREAK = re.compile(
    rf"(?<=[{CJK_PUNCTUATION}])\n[ \t]*(?=[^-*+#>|=!?<$\d \t\n])"  # after Chinese punctuation, in a paragraph
    rf"|(?<=\S)\n[ \t]*(?=[{CJK_PUNCTUATION}])"  # before it
    rf"|(?<=[{CJK_IDEOGRAPHS}])\n[ \t]*(?=[{CJK_IDEOGRAPHS}])"  # between two Chinese characters
)


def join_cjk_lines(text: str) -> str:
    """Join prose lines broken next to Chinese text: a browser shows such a break as a space, which Chinese
    typography has no place for (between Chinese and Latin text it is the wanted space, so that break stays).
    Code fences are left as they are."""
    lines, parts, start = text.split("\n"), [], 0
    for fence in [*fences(text), None]:
        prose = lines[start : fence.start if fence else len(lines)]
        if prose:
            parts.append(CJK_LINE_BREAK.sub("", "\n".join(prose)))
        if fence:
            parts.append("\n".join(lines[fence.start : fence.end + 1]))
            start = fence.end + 1
    return "\n".join(parts)
