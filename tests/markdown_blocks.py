"""The pytest plugin (loaded by pytest.ini) that wires pytest-markdown-docs to the snippet pipeline.

pytest-markdown-docs collects every python fence of every page under docs/ (both languages). Here:
- the parser also sees fences nested in tabs and admonitions (exercise solutions are folded in `???` blocks);
- the default runner runs each fence's included sections as part of its whole chapter, in a fresh namespace,
  once per test session: the zh and en pages of a chapter include the same sections (tests/test_pages.py
  proves it), so the second language reuses the run instead of paying for it again;
- each fence then fails if its code raised (naming the page line and the snippet line) or if what it printed
  or drew differs from the recorded output shown on the page (with a diff and the command that re-records).
"""

import functools
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import _Runner, register_runner

from snippets.pipeline import records
from snippets.pipeline.execute import run_chapter_once
from snippets.pipeline.sections import INCLUDE, ROOT, SnippetError, read_sections

NESTED_FENCE = re.compile(r"^[ \t]+(`{3,}|~{3,})")


def _unindent_nested_fences(state):
    """Make fences inside `???`, `!!!` and `===` blocks top-level fences, keeping every line number."""
    lines, fence = state.src.split("\n"), None
    for number, line in enumerate(lines):
        opened = NESTED_FENCE.match(line) if fence is None else None
        if opened:
            fence, indent = opened[1], len(line) - len(line.lstrip())
        if fence is not None:
            lines[number] = line[min(indent, len(line) - len(line.lstrip())):]
            if not opened and line.strip().startswith(fence):
                fence = None
    state.src = "\n".join(lines)


@pytest.hookimpl(tryfirst=True)  # before pytest-markdown-docs' own parser
def pytest_markdown_docs_markdown_it():
    parser = MarkdownIt("commonmark")
    parser.core.ruler.before("block", "unindent_nested_fences", _unindent_nested_fences)
    return parser


class FenceFailure(Exception):
    """A fence whose code raised or whose output is stale; the message says where and how to fix it."""


def chapter_run(path: str):
    """Run a chapter once per test session: every fence of both languages reads from this one run."""
    return run_chapter_once(path)


@functools.cache
def chapter_device(path: str) -> str:
    return records.device_of(path)


@register_runner(default=True)
class ChapterRunner(_Runner):
    def runtest(self, test, args):
        page = str(Path(test.source_path).resolve().relative_to(ROOT))
        for number, line in enumerate(test.source.split("\n"), 1):
            if not line.strip():
                continue
            include = INCLUDE.match(line)
            where = f"{page}:{number}"
            if not include:
                raise FenceFailure(f"{where}: python code written on the page; move it into a section of a "
                                   f'snippets/ file and include it with --8<-- "snippets/FILE.py:SECTION"')
            self.check_section(where, include["path"], include["name"])

    def check_section(self, where, path, name):
        try:
            names = [section.name for section in read_sections(path)]
            runs = chapter_run(path)
        except (SnippetError, FileNotFoundError) as error:
            raise FenceFailure(f"{where}: {error}") from None
        if name not in names:
            raise FenceFailure(f"{where}: {path} has no section '{name}'; fix the include or add the section")
        if name not in runs:
            failed = list(runs.values())[-1]
            raise FenceFailure(f"{where}: {path}:{name} did not run, because section '{failed.section.name}' "
                               f"({failed.section.where}) raised before it")
        run = runs[name]
        if run.error:
            raise FenceFailure(f"{where}: the code of {path}:{name} (section starts at {run.section.where}) "
                               f"raised:\n{run.error}")
        stale = records.problems(path, chapter_device(path), list(runs.values()), sections={name})
        if stale:
            raise FenceFailure(f"{where}: the output shown under {path}:{name} is not what the code "
                               f"produces now.\n" + "\n".join(stale))

    def repr_failure(self, test, excinfo, style=None):
        if excinfo.errisinstance(FenceFailure):
            return str(excinfo.value)
        return f"{excinfo.exconly()}\n{excinfo.getrepr(style='short')}"
