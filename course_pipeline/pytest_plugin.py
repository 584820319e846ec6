"""The pytest plugin (loaded by pytest.ini: `-p course_pipeline.pytest_plugin`) that wires pytest-markdown-docs to
the pipeline.

pytest-markdown-docs collects every python fence of every page under docs/ (all languages). Here:
- its parser also sees fences nested in tabs and admonitions (exercise solutions are folded in `???` blocks);
- its runner runs each fence's included sections as part of their whole chapter, in a fresh namespace, once per
  test session: the pages of a chapter in every language include the same sections (tests/test_pages.py proves
  it), so the second language reuses the run instead of paying for it again;
- each fence then fails if its code raised (naming the page line and the snippet line) or if what it printed
  or drew differs from the recorded output shown on the page (with a diff and the command that re-records).
"""

import functools
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from course_pipeline import device, records
from course_pipeline.execute import run_chapter
from course_pipeline.markdown import unindent_fences
from course_pipeline.patches.pytest_markdown_docs import runner_api
from course_pipeline.project import Project
from course_pipeline.record_chapter import project_files
from course_pipeline.sections import INCLUDE, SnippetError, read_sections

Runner, register_runner = runner_api()


@functools.cache
def project() -> Project:
    return Project.find()


@functools.cache
def chapter_run(chapter: str) -> dict:
    """A chapter's runs by section name, run once per test session: every fence of every language reads them."""
    before = project_files(project().root)
    runs = run_chapter(project(), chapter)
    left = sorted(project_files(project().root) - before)
    if left:
        raise SnippetError(
            f"{chapter} wrote into the project: {', '.join(left)}; a chapter writes its files into its "
            f"working folder or a temporary one. Delete them and fix the chapter"
        )
    return {run.section.name: run for run in runs}


def chapter_device(chapter: str) -> str:
    return device.current(project().root / chapter)


def _unindent(state):
    state.src = unindent_fences(state.src)


@pytest.hookimpl(tryfirst=True)  # before pytest-markdown-docs' own parser
def pytest_markdown_docs_markdown_it():
    parser = MarkdownIt("commonmark")
    parser.core.ruler.before("block", "unindent_nested_fences", _unindent)
    return parser


class FenceFailure(Exception):
    """A fence whose code raised or whose output is stale; the message says where and how to fix it."""


@register_runner(default=True)
class ChapterRunner(Runner):
    def runtest(self, test, args):
        page = str(Path(test.source_path).resolve().relative_to(project().root))
        for number, line in enumerate(test.source.split("\n"), 1):
            if not line.strip():
                continue
            include = INCLUDE.match(line)
            where = f"{page}:{number}"
            if not include:
                raise FenceFailure(
                    f"{where}: python code written on the page; move it into a section of a "
                    f'snippets/ file and include it with --8<-- "snippets/FILE.py:SECTION"'
                )
            self.check_section(where, include["path"], include["name"])

    def check_section(self, where, chapter, name):
        try:
            names = [section.name for section in read_sections(project().root, chapter)]
            runs = chapter_run(chapter)
        except (SnippetError, FileNotFoundError) as error:
            raise FenceFailure(f"{where}: {error}") from None
        if name not in names:
            raise FenceFailure(f"{where}: {chapter} has no section '{name}'; fix the include or add the section")
        if name not in runs:
            failed = list(runs.values())[-1]
            raise FenceFailure(
                f"{where}: {chapter}:{name} did not run, because section '{failed.section.name}' "
                f"({failed.section.where}) raised before it"
            )
        run = runs[name]
        if run.error:
            raise FenceFailure(
                f"{where}: the code of {chapter}:{name} (section starts at {run.section.where}) raised:\n{run.error}"
            )
        stale = records.differences(project(), chapter, chapter_device(chapter), list(runs.values()), sections={name})
        if stale:
            raise FenceFailure(
                f"{where}: the output shown under {chapter}:{name} is not what the code "
                f"produces now.\n" + "\n".join(stale)
            )

    def repr_failure(self, test, excinfo, style=None):
        if excinfo.errisinstance(FenceFailure):
            return str(excinfo.value)
        return f"{excinfo.exconly()}\n{excinfo.getrepr(style='short')}"
